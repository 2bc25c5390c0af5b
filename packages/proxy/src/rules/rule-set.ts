import { ProxyConfigError } from '../errors.js';
import { type CompiledAction, CompiledRule } from './compile-rule.js';
import type { RequestFacts } from './request-facts.js';
import type { RuleInput, RuleView } from './types.js';
import { ruleProblems } from './validate.js';

/** What the fired rules add up to for one request. */
export interface Decision {
  /** Ids of the rules that fired, in order. */
  readonly fired: readonly string[];
  readonly strip: readonly string[];
  readonly set: ReadonlyArray<readonly [string, string]>;
  readonly delayMs: number;
  /** The rule that ends the request (answer or reset), if any. */
  readonly final: (CompiledAction & { ruleId: string }) | null;
  readonly throttle: number;
}

/** Nothing fired: shared, so the common case allocates nothing. */
export const PASS: Decision = Object.freeze({
  fired: [],
  strip: [],
  set: [],
  delayMs: 0,
  final: null,
  throttle: 0,
});

/** Limits a control API or rule file cannot exceed, so a loop in a script cannot exhaust the proxy. */
export const MAX_RULES = 1000;

export interface RuleSetOptions {
  now?: () => number;
  random?: () => number;
}

/** The proxy's rules, in the order they were added. Changes are all-or-nothing. */
export class RuleSet {
  readonly #now: () => number;
  readonly #random: () => number;
  #rules: CompiledRule[] = [];
  #nextId = 1;

  constructor(options: RuleSetOptions = {}) {
    this.#now = options.now ?? Date.now;
    this.#random = options.random ?? Math.random;
  }

  get size(): number {
    return this.#rules.length;
  }

  /**
   * Validates every rule, then adds them all, or none: a bad rule in a batch leaves the running set untouched.
   * @throws {ProxyConfigError} listing every problem
   */
  add(input: unknown): RuleView[] {
    return this.#install(input, this.#rules);
  }

  /** Replaces every rule with `input`, all or none. @throws {ProxyConfigError} */
  replace(input: unknown): RuleView[] {
    return this.#install(input, []);
  }

  /** Adds `input`, replacing rules that have the same ids, all or none. @throws {ProxyConfigError} */
  upsert(input: RuleInput[]): RuleView[] {
    const ids = new Set(input.map((rule) => rule.id));
    return this.#install(
      input,
      this.#rules.filter((rule) => !ids.has(rule.id)),
    );
  }

  #install(input: unknown, kept: CompiledRule[]): RuleView[] {
    const inputs: unknown[] = Array.isArray(input) ? input : [input];
    const where = (i: number) => (Array.isArray(input) ? `rules[${i}]` : 'rule');
    const problems = inputs.flatMap((rule, i) => ruleProblems(rule, where(i)));
    const ids = new Set(kept.map((r) => r.id));
    inputs.forEach((rule, i) => {
      const id = (rule as RuleInput | null)?.id;
      if (typeof id !== 'string') return;
      if (ids.has(id)) problems.push(`${where(i)}.id: a rule with id "${id}" already exists`);
      ids.add(id);
    });
    if (kept.length + inputs.length > MAX_RULES)
      problems.push(`at most ${MAX_RULES} rules can be loaded (${kept.length} are)`);
    if (problems.length) throw new ProxyConfigError(problems);

    const now = this.#now();
    const added = (inputs as RuleInput[]).map(
      (rule) => new CompiledRule(rule, rule.id ?? this.#freshId(ids), now),
    );
    this.#rules = [...kept, ...added];
    return added.map((rule) => rule.view(now));
  }

  /** @returns whether a rule with that id existed */
  remove(id: string): boolean {
    const before = this.#rules.length;
    this.#rules = this.#rules.filter((rule) => rule.id !== id);
    return this.#rules.length !== before;
  }

  clear(): void {
    this.#rules = [];
  }

  list(): RuleView[] {
    const now = this.#now();
    return this.#rules.map((rule) => rule.view(now));
  }

  get(id: string): RuleView | undefined {
    return this.#rules.find((rule) => rule.id === id)?.view(this.#now());
  }

  /** Runs the armed rules over one request, in order, until one ends it. */
  evaluate(facts: RequestFacts): Decision {
    const rules = this.#rules;
    if (rules.length === 0) return PASS;
    const now = this.#now();
    let decision: MutableDecision | undefined;
    for (let i = 0; i < rules.length; i++) {
      const rule = rules[i] as CompiledRule;
      if (rule.state(now) !== 'armed' || !rule.fires(facts, this.#random)) continue;
      decision ??= { fired: [], strip: [], set: [], delayMs: 0, final: null, throttle: 0 };
      decision.fired.push(rule.id);
      const { action } = rule;
      decision.strip.push(...action.strip);
      decision.set.push(...action.set);
      decision.delayMs += action.delayMs;
      if (action.throttle)
        decision.throttle = decision.throttle
          ? Math.min(decision.throttle, action.throttle)
          : action.throttle;
      if (action.answer || action.reset) {
        decision.final = { ...action, ruleId: rule.id };
        break;
      }
    }
    return decision ?? PASS;
  }

  #freshId(taken: Set<string>): string {
    let id = `r${this.#nextId++}`;
    while (taken.has(id)) id = `r${this.#nextId++}`;
    taken.add(id);
    return id;
  }
}

interface MutableDecision {
  fired: string[];
  strip: string[];
  set: Array<readonly [string, string]>;
  delayMs: number;
  final: (CompiledAction & { ruleId: string }) | null;
  throttle: number;
}
