import { ProxyConfigError } from '../errors.js';
import { parseRules, readRulesFile } from '../rules/rules-file.js';
import type { RuleAction, RuleInput, RuleMatch } from '../rules/types.js';

/** `rules add` flags, as `parseArgs` options. */
export const RULE_FLAGS = {
  json: { type: 'string' },
  file: { type: 'string' },
  id: { type: 'string' },
  description: { type: 'string' },
  method: { type: 'string', multiple: true },
  host: { type: 'string', multiple: true },
  path: { type: 'string', multiple: true },
  header: { type: 'string', multiple: true },
  token: { type: 'string', multiple: true },
  client: { type: 'string' },
  'unless-path': { type: 'string', multiple: true },
  strip: { type: 'string', multiple: true },
  set: { type: 'string', multiple: true },
  status: { type: 'string' },
  body: { type: 'string' },
  delay: { type: 'string' },
  reset: { type: 'boolean' },
  throttle: { type: 'string' },
  times: { type: 'string' },
  nth: { type: 'string' },
  probability: { type: 'string' },
  after: { type: 'string' },
  ttl: { type: 'string' },
} as const;

type FlagValues = {
  [K in keyof typeof RULE_FLAGS]?: (typeof RULE_FLAGS)[K] extends { multiple: true }
    ? string[]
    : (typeof RULE_FLAGS)[K] extends { type: 'boolean' }
      ? boolean
      : string;
};

/**
 * The rules a `rules add` command describes: from `--json`, `--file`, or flags (one rule).
 * Validation is the API's; this only shapes the input.
 * @throws {ProxyConfigError} for flags that cannot be read
 */
export async function rulesFromFlags(values: FlagValues): Promise<RuleInput[]> {
  if (values.json !== undefined) return parseRules(values.json, '--json');
  if (values.file !== undefined) return readRulesFile(values.file);

  const match: RuleMatch = {};
  if (values.method) match.method = one(values.method);
  if (values.host) match.host = one(values.host);
  if (values.path) match.path = one(values.path);
  if (values.token) match.token = one(values.token);
  if (values.client) match.client = values.client;
  if (values.header) match.headers = Object.fromEntries(values.header.map(headerCondition));

  const action: RuleAction = {};
  if (values.strip) action.stripHeaders = values.strip;
  if (values.set) action.setHeaders = Object.fromEntries(values.set.map((h) => headerPair(h, '--set')));
  if (values.status !== undefined) action.status = number(values.status, '--status');
  if (values.body !== undefined) action.body = values.body;
  if (values.delay !== undefined) action.delay = values.delay;
  if (values.reset) action.reset = true;
  if (values.throttle !== undefined) action.throttle = number(values.throttle, '--throttle');

  const rule: RuleInput = { action };
  if (Object.keys(match).length) rule.match = match;
  if (values['unless-path']) rule.unless = { path: one(values['unless-path']) };
  if (values.id !== undefined) rule.id = values.id;
  if (values.description !== undefined) rule.description = values.description;
  if (values.times !== undefined) rule.times = number(values.times, '--times');
  if (values.nth !== undefined) rule.nth = number(values.nth, '--nth');
  if (values.probability !== undefined) rule.probability = number(values.probability, '--probability');
  if (values.after !== undefined) rule.after = values.after;
  if (values.ttl !== undefined) rule.ttl = values.ttl;
  if (!Object.keys(action).length && !rule.match)
    throw new ProxyConfigError(
      'describe the rule: --json, --file, or flags like --path /api/save --status 401 --times 1',
    );
  return [rule];
}

const one = (values: string[]) => (values.length === 1 ? (values[0] as string) : values);

function number(raw: string, flag: string): number {
  const value = Number(raw);
  if (raw.trim() === '' || !Number.isFinite(value))
    throw new ProxyConfigError(`${flag} must be a number (got ${JSON.stringify(raw)})`);
  return value;
}

/** `name: value` (exact), `name` (present), `!name` (absent). */
function headerCondition(raw: string): [string, string | boolean] {
  if (raw.includes(':')) return headerPair(raw, '--header');
  return raw.startsWith('!') ? [raw.slice(1).trim(), false] : [raw.trim(), true];
}

function headerPair(raw: string, flag: string): [string, string] {
  const colon = raw.indexOf(':');
  if (colon <= 0) throw new ProxyConfigError(`${flag} takes "name: value" (got ${JSON.stringify(raw)})`);
  return [raw.slice(0, colon).trim(), raw.slice(colon + 1).trim()];
}
