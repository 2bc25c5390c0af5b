#!/usr/bin/env node
import { readFile } from 'node:fs/promises';
import { networkInterfaces } from 'node:os';
import { parseArgs } from 'node:util';
import { formatEntry, formatRule } from './cli/format.js';
import { RULE_FLAGS, rulesFromFlags } from './cli/rule-flags.js';
import { createProxyClient } from './client.js';
import { createProxy } from './create-proxy.js';
import { ProxyApiError, ProxyConfigError } from './errors.js';
import { isLoopback, parseListen } from './options.js';
import { readRulesFile } from './rules/rules-file.js';
import { describeScenarios, type ScenarioName } from './scenarios.js';
import type { LogEntry } from './traffic-log.js';

const USAGE = `expiryproof-proxy: a chaos HTTP(S) proxy for testing token expiry on real devices.

Start a proxy:
  expiryproof-proxy --upstream http://127.0.0.1:3000     reverse proxy: point the app's API URL at it
  expiryproof-proxy [--mitm]                             forward proxy: set it as the device's HTTP proxy

    --listen <host:port>     proxy address (default 127.0.0.1:8080; 0.0.0.0:8080 lets a phone in)
    --api <host:port>        control API address (default 127.0.0.1:8474)
    --api-key <key>          require "Authorization: Bearer <key>" on the API (or EXPIRYPROOF_PROXY_API_KEY)
    --rules <file>           load rules from a JSON or YAML file
    --mitm                   intercept HTTPS with a local CA (devices install it from http://expiryproof.proxy/)
    --ca-dir <dir>           where the CA is kept (default ~/.expiryproof/proxy-ca)
    --allow-host <glob>      forward mode: only reach these hosts (repeatable)
    --upstream-ca <file>     trust this CA (PEM) for HTTPS upstreams
    --insecure-upstream      do not verify HTTPS upstream certificates
    --max-header-size <n>    largest request header block in bytes (default 16384)
    --verbose                print every request, not only those a rule fired on

Talk to a running proxy (add --api <host:port> if it is not on 127.0.0.1:8474):
  expiryproof-proxy scenarios                      list the ready-made scenarios
  expiryproof-proxy arm <scenario> [--refresh-path <glob>] [--api-path <glob>] [--ttl 10m]
  expiryproof-proxy rules [list]
  expiryproof-proxy rules add --path /api/profile/save --method POST --strip authorization --times 1
  expiryproof-proxy rules add --json '{"match":{"path":"/auth/refresh"},"action":{"status":503},"times":1}'
  expiryproof-proxy rules add --file rules.yaml
  expiryproof-proxy rules rm <id>
  expiryproof-proxy log [--limit 50] [--follow]
  expiryproof-proxy reset                          remove every rule and empty the log

Rule flags: --method --host --path --header "name: value"|name|!name --token --client --unless-path
            --strip <header> --set "name: value" --status <code> --body <text> --delay 2s --reset
            --throttle <bytes/s> --times <n> --nth <n> --probability <p> --after 5s --ttl 1m --id <id>

Exit code: 0 on success, 1 when the proxy or its API reports an error, 2 on bad input.`;

const COMMON = {
  api: { type: 'string' },
  'api-key': { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

async function main(argv: string[]): Promise<number> {
  const command = argv[0] && !argv[0].startsWith('-') ? argv[0] : 'serve';
  const rest = command === 'serve' && argv[0] !== 'serve' ? argv : argv.slice(1);
  if (argv.includes('--help') || argv.includes('-h')) {
    console.log(USAGE);
    return 0;
  }
  switch (command) {
    case 'serve':
      return serve(rest);
    case 'scenarios':
      for (const { name, summary } of describeScenarios()) console.log(`${name.padEnd(22)} ${summary}`);
      return 0;
    case 'arm':
      return arm(rest);
    case 'rules':
      return rules(rest);
    case 'log':
      return log(rest);
    case 'reset': {
      const { values } = parseArgs({ args: rest, options: COMMON });
      await clientFor(values).reset();
      console.log('reset: no rules, empty log');
      return 0;
    }
    default:
      throw new ProxyConfigError(`unknown command "${command}"\n\n${USAGE}`);
  }
}

async function serve(args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      ...COMMON,
      upstream: { type: 'string' },
      listen: { type: 'string', default: '127.0.0.1:8080' },
      rules: { type: 'string' },
      mitm: { type: 'boolean', default: false },
      'ca-dir': { type: 'string' },
      'allow-host': { type: 'string', multiple: true },
      'upstream-ca': { type: 'string' },
      'insecure-upstream': { type: 'boolean', default: false },
      'max-header-size': { type: 'string' },
      'log-size': { type: 'string' },
      verbose: { type: 'boolean', default: false },
    },
  });
  const maxHeaderSize =
    values['max-header-size'] === undefined ? undefined : Number(values['max-header-size']);
  if (maxHeaderSize !== undefined && !(Number.isInteger(maxHeaderSize) && maxHeaderSize >= 1024))
    throw new ProxyConfigError('--max-header-size must be a whole number of bytes ≥ 1024');
  const logSize = values['log-size'] === undefined ? undefined : Number(values['log-size']);
  if (logSize !== undefined && !(Number.isInteger(logSize) && logSize >= 1))
    throw new ProxyConfigError('--log-size must be ≥ 1');
  const loaded = values.rules ? await readRulesFile(values.rules) : [];
  const apiKey = values['api-key'] ?? process.env.EXPIRYPROOF_PROXY_API_KEY;

  const proxy = createProxy({
    ...(values.upstream !== undefined ? { upstream: values.upstream } : {}),
    mitm: values.mitm,
    listen: values.listen,
    api: values.api ?? '127.0.0.1:8474',
    ...(apiKey ? { apiKey } : {}),
    rules: loaded,
    ...(values['ca-dir'] ? { caDir: values['ca-dir'] } : {}),
    ...(values['allow-host'] ? { allowHosts: values['allow-host'] } : {}),
    ...(values['upstream-ca'] ? { upstreamCa: await readFile(values['upstream-ca'], 'utf8') } : {}),
    insecureUpstream: values['insecure-upstream'],
    ...(maxHeaderSize ? { maxHeaderSize } : {}),
    ...(logSize ? { logSize } : {}),
    ...(values.verbose ? {} : { onFired: (entry: LogEntry) => console.log(formatEntry(entry)) }),
  });
  const { url, apiUrl, caUrl } = await proxy.listen();
  const { host, port } = parseListen(values.listen, 8080, 'listen');
  console.log(
    `expiryproof-proxy: ${proxy.mode} proxy on ${url}${values.upstream ? ` → ${values.upstream}` : ''}`,
  );
  console.log(`  control API  ${apiUrl}${apiKey ? ' (key required)' : ''}`);
  if (loaded.length) console.log(`  rules        ${loaded.length} loaded from ${values.rules}`);
  if (caUrl) console.log(`  CA           ${caUrl} (devices behind the proxy: http://expiryproof.proxy/)`);
  if (!isLoopback(host)) {
    const lan = lanAddresses();
    if (lan.length) console.log(`  from a phone ${lan.map((a) => `${a}:${port}`).join(', ')}`);
    console.log(
      `  note: reachable from your network${proxy.mode === 'forward' ? ' as an open HTTP proxy; use --allow-host to limit it' : ''}`,
    );
  }
  console.log(
    `Arm a fault:  npx expiryproof-proxy arm mid-flight-expiry   (list: npx expiryproof-proxy scenarios)`,
  );
  if (values.verbose) {
    let since = 0;
    setInterval(() => {
      for (const entry of proxy.log.entries({ since })) {
        if (entry.outcome === 'pending') break;
        console.log(formatEntry(entry));
        since = entry.seq;
      }
    }, 250).unref();
  }

  await new Promise<void>((resolve) => {
    const stop = () => resolve();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  await proxy.close();
  return 0;
}

async function arm(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      ...COMMON,
      'refresh-path': { type: 'string', multiple: true },
      'api-path': { type: 'string', multiple: true },
      ttl: { type: 'string' },
    },
  });
  const [name] = positionals;
  if (!name || positionals.length > 1)
    throw new ProxyConfigError('arm takes one scenario name; see `expiryproof-proxy scenarios`');
  const armed = await clientFor(values).arm(name as ScenarioName, {
    ...(values['refresh-path'] ? { refreshPath: values['refresh-path'] } : {}),
    ...(values['api-path'] ? { apiPath: values['api-path'] } : {}),
    ...(values.ttl ? { ttl: values.ttl } : {}),
  });
  console.log(`armed ${name}:`);
  for (const rule of armed) console.log(`  ${formatRule(rule)}`);
  return 0;
}

async function rules(args: string[]): Promise<number> {
  const [sub = 'list', ...rest] = args[0]?.startsWith('-') ? ['list', ...args] : args;
  if (sub === 'list') {
    const { values } = parseArgs({ args: rest, options: COMMON });
    const list = await clientFor(values).rules.list();
    if (!list.length) console.log('no rules');
    for (const rule of list) console.log(formatRule(rule));
    return 0;
  }
  if (sub === 'add') {
    const { values } = parseArgs({ args: rest, options: { ...COMMON, ...RULE_FLAGS } });
    const added = await clientFor(values).rules.add(await rulesFromFlags(values));
    for (const rule of added) console.log(`added ${formatRule(rule)}`);
    return 0;
  }
  if (sub === 'rm' || sub === 'remove') {
    const { values, positionals } = parseArgs({ args: rest, allowPositionals: true, options: COMMON });
    if (!positionals.length) throw new ProxyConfigError('rules rm takes the id(s) of the rule(s) to remove');
    for (const id of positionals) {
      await clientFor(values).rules.remove(id);
      console.log(`removed ${id}`);
    }
    return 0;
  }
  throw new ProxyConfigError(`unknown rules command "${sub}" (list, add, rm)`);
}

async function log(args: string[]): Promise<number> {
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
  const client = clientFor(values);
  let since = 0;
  for (;;) {
    const entries = await client.log({ limit, since });
    for (const entry of entries) {
      if (entry.outcome === 'pending' && values.follow) break;
      console.log(formatEntry(entry));
      since = entry.seq;
    }
    if (!values.follow) return 0;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

function clientFor(values: { api?: string | undefined; 'api-key'?: string | undefined }) {
  const api = values.api ?? '127.0.0.1:8474';
  const url = /^https?:\/\//.test(api)
    ? api
    : (({ host, port }) => `http://${host.includes(':') ? `[${host}]` : host}:${port}`)(
        parseListen(api, 8474, 'api'),
      );
  const apiKey = values['api-key'] ?? process.env.EXPIRYPROOF_PROXY_API_KEY;
  return createProxyClient({ url, ...(apiKey ? { apiKey } : {}) });
}

function lanAddresses(): string[] {
  return Object.values(networkInterfaces())
    .flat()
    .filter((i) => i && i.family === 'IPv4' && !i.internal)
    .map((i) => i?.address as string);
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    if (
      error instanceof ProxyConfigError ||
      (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')
    ) {
      console.error(`expiryproof-proxy: ${(error as Error).message}`);
      process.exitCode = 2;
    } else if (error instanceof ProxyApiError) {
      console.error(`expiryproof-proxy: ${error.message}`);
      process.exitCode = error.status === 400 ? 2 : 1;
    } else {
      console.error(error);
      process.exitCode = 1;
    }
  },
);
