import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { createProxy } from '../create-proxy.js';
import { ProxyConfigError } from '../errors.js';
import { parseListen } from '../options.js';
import { readRulesFile } from '../rules/rules-file.js';
import type { LogEntry } from '../traffic-log.js';
import { readApiKey } from './api-key.js';
import { bannerLines } from './banner.js';
import { COMMON } from './common-flags.js';
import { formatEntry, printEntries } from './format.js';

/** `expiryproof-proxy [serve] …`: runs a proxy until SIGINT/SIGTERM, printing what the rules do. */
export async function serve(args: string[]): Promise<number> {
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
      'api-allow-host': { type: 'string', multiple: true },
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
  const apiKey = await readApiKey(values);

  const proxy = createProxy({
    ...(values.upstream !== undefined ? { upstream: values.upstream } : {}),
    mitm: values.mitm,
    listen: values.listen,
    api: values.api ?? '127.0.0.1:8474',
    ...(apiKey ? { apiKey: apiKey.key } : {}),
    ...(values['api-allow-host'] ? { apiHosts: values['api-allow-host'] } : {}),
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
  const lines = bannerLines({
    mode: proxy.mode,
    url,
    apiUrl,
    upstream: values.upstream,
    listen: parseListen(values.listen, 8080, 'listen'),
    apiKey,
    rules: { count: loaded.length, file: values.rules },
    caUrl,
  });
  for (const line of lines) console.log(line);
  if (values.verbose) {
    let since = 0;
    setInterval(() => {
      since = printEntries(proxy.log.entries({ since }), since, true);
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
