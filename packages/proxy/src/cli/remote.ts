import { parseArgs } from 'node:util';
import { createProxyClient } from '../client.js';
import { ProxyConfigError } from '../errors.js';
import { parseListen } from '../options.js';
import type { ScenarioName } from '../scenarios.js';
import { readApiKey } from './api-key.js';
import { COMMON } from './common-flags.js';
import { formatRule, printEntries } from './format.js';
import { RULE_FLAGS, rulesFromFlags } from './rule-flags.js';

// The commands that talk to a running proxy through its control API.

export async function arm(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      ...COMMON,
      'refresh-path': { type: 'string', multiple: true },
      'api-path': { type: 'string', multiple: true },
      'api-host': { type: 'string', multiple: true },
      ttl: { type: 'string' },
    },
  });
  const [name] = positionals;
  if (!name || positionals.length > 1)
    throw new ProxyConfigError('arm takes one scenario name; see `expiryproof-proxy scenarios`');
  const armed = await (await clientFor(values)).arm(name as ScenarioName, {
    ...(values['refresh-path'] ? { refreshPath: values['refresh-path'] } : {}),
    ...(values['api-path'] ? { apiPath: values['api-path'] } : {}),
    ...(values.ttl ? { ttl: values.ttl } : {}),
    ...(values['api-host'] ? { apiHost: values['api-host'] } : {}),
  });
  console.log(`armed ${name}:`);
  for (const rule of armed) console.log(`  ${formatRule(rule)}`);
  return 0;
}

export async function rules(args: string[]): Promise<number> {
  const [sub = 'list', ...rest] = args[0]?.startsWith('-') ? ['list', ...args] : args;
  if (sub === 'list') {
    const { values } = parseArgs({ args: rest, options: COMMON });
    const list = await (await clientFor(values)).rules.list();
    if (!list.length) console.log('no rules');
    for (const rule of list) console.log(formatRule(rule));
    return 0;
  }
  if (sub === 'add') {
    const { values } = parseArgs({ args: rest, options: { ...COMMON, ...RULE_FLAGS } });
    const added = await (await clientFor(values)).rules.add(await rulesFromFlags(values));
    for (const rule of added) console.log(`added ${formatRule(rule)}`);
    return 0;
  }
  if (sub === 'rm' || sub === 'remove') {
    const { values, positionals } = parseArgs({ args: rest, allowPositionals: true, options: COMMON });
    if (!positionals.length) throw new ProxyConfigError('rules rm takes the id(s) of the rule(s) to remove');
    const client = await clientFor(values);
    for (const id of positionals) {
      await client.rules.remove(id);
      console.log(`removed ${id}`);
    }
    return 0;
  }
  throw new ProxyConfigError(`unknown rules command "${sub}" (list, add, rm)`);
}

export async function log(args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      ...COMMON,
      limit: { type: 'string', default: '50' },
      follow: { type: 'boolean', short: 'f', default: false },
    },
  });
  const limit = Number(values.limit);
  if (!(Number.isInteger(limit) && limit >= 1))
    throw new ProxyConfigError('--limit must be a whole number ≥ 1');
  const client = await clientFor(values);
  let since = 0;
  for (;;) {
    since = printEntries(await client.log({ limit, since }), since, values.follow);
    if (!values.follow) return 0;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

/** A client for the API named by `--api` (default 127.0.0.1:8474), with the key from a file or the environment. */
export async function clientFor(values: {
  api?: string | undefined;
  'api-key'?: string | undefined;
  'api-key-file'?: string | undefined;
}) {
  const api = values.api ?? '127.0.0.1:8474';
  const url = /^https?:\/\//.test(api)
    ? api
    : (({ host, port }) => `http://${host.includes(':') ? `[${host}]` : host}:${port}`)(
        parseListen(api, 8474, 'api'),
      );
  const apiKey = await readApiKey(values);
  return createProxyClient({ url, ...(apiKey ? { apiKey: apiKey.key } : {}) });
}
