import { parseDuration } from './duration.js';
import { globListProblems, MAX_GLOB_STATES, tooManyStates } from './glob-match.js';
import type { RuleAction, RuleInput, RuleMatch } from './types.js';

/**
 * Checks an untrusted value against the rule shape. Returns every problem found, each prefixed by `where`
 * (`rules[2]`), so a tester fixes a rule file in one go. Unknown keys are problems: a misspelt
 * `strip_headers` must not quietly do nothing while someone tests a phone.
 */
export function ruleProblems(value: unknown, where: string): string[] {
  const problems: string[] = [];
  const say = (path: string, message: string) => problems.push(`${where}${path}: ${message}`);
  if (!isObject(value)) return [`${where}: expected a rule object like {"match": {...}, "action": {...}}`];

  unknownKeys(value, RULE_KEYS, '', say);
  if (value.id !== undefined && !(typeof value.id === 'string' && ID.test(value.id)))
    say('.id', 'must be 1–64 letters, digits, "-", "_" or "."');
  if (value.description !== undefined && typeof value.description !== 'string')
    say('.description', 'must be a string');
  if (value.times !== undefined && !isPositiveInteger(value.times))
    say('.times', 'must be a whole number ≥ 1');
  if (value.nth !== undefined && !isPositiveInteger(value.nth)) say('.nth', 'must be a whole number ≥ 1');
  if (
    value.probability !== undefined &&
    !(typeof value.probability === 'number' && value.probability > 0 && value.probability <= 1)
  )
    say('.probability', 'must be a number with 0 < p ≤ 1');
  for (const key of ['after', 'ttl'] as const)
    if (value[key] !== undefined && parseDuration(value[key]) === undefined)
      say(`.${key}`, 'must be a duration: milliseconds, or a string like "30s", "500ms", "5m"');

  let states = 0;
  if (value.match !== undefined) states += matchProblems(value.match, '.match', say);
  if (value.unless !== undefined) {
    states += matchProblems(value.unless, '.unless', say);
    if (isObject(value.unless) && value.unless.token !== undefined)
      say('.unless.token', 'tokens can only be matched in "match"');
  }
  // One bound for the whole rule: it is what one request pays for this rule, whichever fields it is spread over.
  if (states > MAX_GLOB_STATES) say('', tooManyStates(states));
  if (value.action === undefined)
    say('.action', 'is required (use {} for a rule that only marks requests in the log)');
  else actionProblems(value.action, say);
  return problems;
}

/** Narrows after {@link ruleProblems} returned none. */
export function isRuleInput(value: unknown): value is RuleInput {
  return ruleProblems(value, '').length === 0;
}

type Say = (path: string, message: string) => void;

const ID = /^[\w.-]{1,64}$/;
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
const RULE_KEYS = [
  'id',
  'description',
  'match',
  'unless',
  'action',
  'times',
  'nth',
  'probability',
  'after',
  'ttl',
];
const MATCH_KEYS: Array<keyof RuleMatch> = ['method', 'host', 'path', 'headers', 'token', 'client'];
const ACTION_KEYS: Array<keyof RuleAction> = [
  'stripHeaders',
  'setHeaders',
  'status',
  'body',
  'headers',
  'delay',
  'reset',
  'throttle',
];
/** Hop-by-hop and framing headers belong to the proxy; editing them would break the connection, not the app. */
const RESERVED = new Set([
  'host',
  'connection',
  'content-length',
  'transfer-encoding',
  'upgrade',
  'keep-alive',
  'te',
]);

/** Says what is wrong with a match; returns the glob states its host and path globs need. */
function matchProblems(match: unknown, at: string, say: Say): number {
  if (!isObject(match)) {
    say(at, 'must be an object');
    return 0;
  }
  unknownKeys(match, MATCH_KEYS, at, say);
  let states = 0;
  for (const key of ['method', 'host', 'path'] as const) {
    if (match[key] === undefined) continue;
    if (!isStringOrList(match[key])) {
      say(`${at}.${key}`, 'must be a string or a list of strings');
      continue;
    }
    if (key === 'method') continue;
    const globs = ([] as string[]).concat(match[key] as string | string[]);
    if (key === 'path')
      for (const path of globs)
        if (!path.startsWith('/') && !path.startsWith('*'))
          say(`${at}.path`, `must start with "/" or "*" (got ${JSON.stringify(path)})`);
    const checked = globListProblems(key === 'host' ? globs.map((h) => h.toLowerCase()) : globs);
    for (const problem of checked.problems) say(`${at}.${key}`, problem);
    states += checked.states;
  }
  if (match.headers !== undefined) {
    if (!isObject(match.headers))
      say(`${at}.headers`, 'must be an object of header name → true, false or a value');
    else
      for (const [name, expected] of Object.entries(match.headers)) {
        if (!HEADER_NAME.test(name)) say(`${at}.headers`, `${JSON.stringify(name)} is not a header name`);
        if (typeof expected !== 'string' && typeof expected !== 'boolean')
          say(`${at}.headers.${name}`, 'must be true (present), false (absent) or the exact value');
      }
  }
  if (match.token !== undefined && !isStringOrList(match.token))
    say(`${at}.token`, 'must be a token, a list of tokens, "sha256:<hex>" digests, or "first-seen"');
  if (match.client !== undefined && typeof match.client !== 'string')
    say(`${at}.client`, 'must be an IP address');
  return states;
}

function actionProblems(action: unknown, say: Say) {
  if (!isObject(action)) return say('.action', 'must be an object');
  unknownKeys(action, ACTION_KEYS, '.action', say);
  if (action.stripHeaders !== undefined) {
    if (
      !(
        Array.isArray(action.stripHeaders) &&
        action.stripHeaders.every((h) => typeof h === 'string' && HEADER_NAME.test(h))
      )
    )
      say('.action.stripHeaders', 'must be a list of header names, like ["authorization"]');
    else
      for (const name of action.stripHeaders as string[])
        if (RESERVED.has(name.toLowerCase()))
          say('.action.stripHeaders', `${name} is managed by the proxy and cannot be stripped`);
  }
  for (const key of ['setHeaders', 'headers'] as const) headerMapProblems(action[key], `.action.${key}`, say);
  if (action.setHeaders !== undefined && isObject(action.setHeaders))
    for (const name of Object.keys(action.setHeaders))
      if (RESERVED.has(name.toLowerCase()))
        say('.action.setHeaders', `${name} is managed by the proxy and cannot be set`);
  if (
    action.status !== undefined &&
    !(isPositiveInteger(action.status) && action.status >= 200 && action.status <= 599)
  )
    say('.action.status', 'must be an HTTP status from 200 to 599');
  if ((action.body !== undefined || action.headers !== undefined) && action.status === undefined)
    say('.action', '"body" and "headers" describe an answer: give "status" too');
  if (action.delay !== undefined && parseDuration(action.delay) === undefined)
    say('.action.delay', 'must be a duration: milliseconds, or a string like "2s"');
  if (action.reset !== undefined && typeof action.reset !== 'boolean')
    say('.action.reset', 'must be true or false');
  if (action.reset === true && action.status !== undefined)
    say('.action', '"reset" and "status" cannot both end the request');
  if (action.throttle !== undefined) {
    if (!(typeof action.throttle === 'number' && Number.isFinite(action.throttle) && action.throttle >= 1))
      say('.action.throttle', 'must be bytes per second, ≥ 1');
    else if (action.status !== undefined || action.reset === true)
      say('.action', '"throttle" slows the upstream response; it cannot go with "status" or "reset"');
  }
}

function headerMapProblems(value: unknown, path: string, say: Say) {
  if (value === undefined) return;
  if (!isObject(value)) return say(path, 'must be an object of header name → value');
  for (const [name, v] of Object.entries(value)) {
    if (!HEADER_NAME.test(name)) say(path, `${JSON.stringify(name)} is not a header name`);
    if (typeof v !== 'string' || /[\r\n]/.test(v)) say(`${path}.${name}`, 'must be a string on one line');
  }
}

function unknownKeys(value: Record<string, unknown>, known: readonly string[], path: string, say: Say) {
  for (const key of Object.keys(value))
    if (!known.includes(key)) say(path || '', `unknown field "${key}" (known: ${known.join(', ')})`);
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isPositiveInteger(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= 1;
}

function isStringOrList(value: unknown): boolean {
  return (
    (typeof value === 'string' && value.length > 0) ||
    (Array.isArray(value) && value.length > 0 && value.every((v) => typeof v === 'string' && v.length > 0))
  );
}
