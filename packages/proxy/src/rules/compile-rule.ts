import { parseDuration } from './duration.js';
import { compileGlobs } from './glob-match.js';
import { digestToken, normaliseAddress, type RequestFacts } from './request-facts.js';
import type { RuleAction, RuleInput, RuleMatch, RuleState, RuleView } from './types.js';

/** What a fired rule does, in the form the request path applies without further parsing. */
export interface CompiledAction {
  readonly strip: readonly string[];
  readonly set: ReadonlyArray<readonly [string, string]>;
  readonly delayMs: number;
  readonly answer: { status: number; body: unknown; headers: Record<string, string> } | null;
  readonly reset: boolean;
  readonly throttle: number;
}

/** A validated rule with its matcher built once, and its counters. */
export class CompiledRule {
  readonly id: string;
  readonly action: CompiledAction;
  readonly #input: RuleInput;
  readonly #predicates: Array<(facts: RequestFacts) => boolean>;
  readonly #exceptions: Array<(facts: RequestFacts) => boolean> | null;
  readonly #allowsPreflight: boolean;
  readonly #createdAt: number;
  readonly #armAt: number;
  readonly #expireAt: number;
  readonly #times: number;
  readonly #nth: number;
  readonly #probability: number;
  #seen = 0;
  #hits = 0;

  /** `input` must have passed `ruleProblems`. */
  constructor(input: RuleInput, id: string, now: number) {
    this.id = id;
    this.#input = { ...input, ...(input.match ? { match: redactTokens(input.match) } : {}) };
    this.#createdAt = now;
    this.#armAt = now + (parseDuration(input.after) ?? 0);
    this.#expireAt =
      input.ttl === undefined ? Number.POSITIVE_INFINITY : now + (parseDuration(input.ttl) ?? 0);
    this.#times = input.times ?? Number.POSITIVE_INFINITY;
    this.#nth = input.nth ?? 1;
    this.#probability = input.probability ?? 1;
    this.#predicates = buildPredicates(input.match ?? {});
    this.#exceptions = input.unless ? buildPredicates(input.unless) : null;
    this.#allowsPreflight = list(input.match?.method).some((m) => m.toUpperCase() === 'OPTIONS');
    this.action = compileAction(input.action);
  }

  state(now: number): RuleState {
    if (this.#hits >= this.#times) return 'spent';
    if (now >= this.#expireAt) return 'expired';
    return now < this.#armAt ? 'waiting' : 'armed';
  }

  /** Whether this rule fires on the request; counts it. Only call while the rule is armed. */
  fires(facts: RequestFacts, random: () => number): boolean {
    if (!this.#allowsPreflight && facts.method === 'OPTIONS' && facts.preflight) return false;
    // Exceptions first: a "first-seen" token must not be captured from a request the rule leaves alone.
    // Indexed loops: this runs for every rule on every request, and must not allocate.
    if (this.#exceptions && allHold(this.#exceptions, facts)) return false;
    if (!allHold(this.#predicates, facts)) return false;
    this.#seen++;
    if (this.#seen < this.#nth) return false;
    if (this.#probability < 1 && random() >= this.#probability) return false;
    this.#hits++;
    return true;
  }

  view(now: number): RuleView {
    return {
      ...this.#input,
      id: this.id,
      state: this.state(now),
      seen: this.#seen,
      hits: this.#hits,
      createdAt: new Date(this.#createdAt).toISOString(),
    };
  }
}

function allHold(predicates: Array<(facts: RequestFacts) => boolean>, facts: RequestFacts): boolean {
  for (let i = 0; i < predicates.length; i++)
    if (!(predicates[i] as (facts: RequestFacts) => boolean)(facts)) return false;
  return true;
}

const list = (value: string | string[] | undefined): string[] =>
  value === undefined ? [] : Array.isArray(value) ? value : [value];

const FIRST_SEEN = 'first-seen';
const DIGEST = /^sha256:([0-9a-f]{64})$/i;

function buildPredicates(match: RuleMatch): Array<(facts: RequestFacts) => boolean> {
  const predicates: Array<(facts: RequestFacts) => boolean> = [];
  const methods = list(match.method).map((m) => m.toUpperCase());
  if (methods.length && !methods.includes('*')) predicates.push((f) => methods.includes(f.method));
  if (match.client !== undefined) {
    const client = normaliseAddress(match.client);
    predicates.push((f) => f.client === client);
  }
  const hosts = list(match.host).map((h) => h.toLowerCase());
  if (hosts.length) {
    const withPort = compileGlobs(hosts.filter((h) => h.includes(':')));
    const bare = compileGlobs(hosts.filter((h) => !h.includes(':')));
    predicates.push((f) => bare(f.host) || withPort(f.hostPort));
  }
  const paths = list(match.path);
  if (paths.length) {
    // Literal paths are a set lookup and globs need their literal start before the automaton runs, so most
    // requests are turned down by plain string checks.
    const matches = compileGlobs(paths);
    predicates.push((f) => matches(f.path));
  }
  for (const [name, expected] of Object.entries(match.headers ?? {})) {
    const key = name.toLowerCase();
    if (expected === true) predicates.push((f) => f.header(key) !== undefined);
    else if (expected === false) predicates.push((f) => f.header(key) === undefined);
    else predicates.push((f) => f.header(key) === expected);
  }
  // Last: "first-seen" captures a token, which must only happen for a request the rest of the rule matches.
  const tokens = list(match.token);
  if (tokens.includes(FIRST_SEEN)) {
    // Holds the captured token in memory only (never listed), so later requests compare strings, not hashes.
    let captured: string | undefined;
    predicates.push((f) => {
      const token = f.token();
      if (token === undefined) return false;
      captured ??= token;
      return token === captured;
    });
  } else if (tokens.length) {
    const plain = new Set(tokens.filter((t) => !DIGEST.test(t)));
    const digests = new Set(tokens.flatMap((t) => DIGEST.exec(t)?.[1]?.toLowerCase() ?? []));
    predicates.push((f) => {
      const token = f.token();
      if (token === undefined) return false;
      return plain.has(token) || (digests.size > 0 && digests.has(digestToken(token)));
    });
  }
  return predicates;
}

function tokenDigestOf(token: string): string {
  const given = DIGEST.exec(token);
  return given?.[1] ? given[1].toLowerCase() : digestToken(token);
}

/** Listed rules show a short digest in place of each token: the API must not hand tokens back. */
function redactTokens(match: RuleMatch): RuleMatch {
  if (match.token === undefined) return match;
  const shown = list(match.token).map((t) =>
    t === FIRST_SEEN ? t : `sha256:${tokenDigestOf(t).slice(0, 12)}…`,
  );
  return { ...match, token: shown.length === 1 ? (shown[0] as string) : shown };
}

function compileAction(action: RuleAction): CompiledAction {
  return {
    strip: (action.stripHeaders ?? []).map((h) => h.toLowerCase()),
    set: Object.entries(action.setHeaders ?? {}).map(([name, value]) => [name.toLowerCase(), value] as const),
    delayMs: parseDuration(action.delay) ?? 0,
    answer:
      action.status === undefined
        ? null
        : { status: action.status, body: action.body, headers: action.headers ?? {} },
    reset: action.reset === true,
    throttle: action.throttle ?? 0,
  };
}
