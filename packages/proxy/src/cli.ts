#!/usr/bin/env node
import { parseArgs } from 'node:util';
import { COMMON } from './cli/common-flags.js';
import { arm, clientFor, log, rules } from './cli/remote.js';
import { serve } from './cli/serve.js';
import { ProxyApiError, ProxyConfigError } from './errors.js';
import { describeScenarios } from './scenarios.js';

const USAGE = `expiryproof-proxy: a chaos HTTP(S) proxy for testing token expiry on real devices.

Start a proxy:
  expiryproof-proxy --upstream http://127.0.0.1:3000     reverse proxy: point the app's API URL at it
  expiryproof-proxy [--mitm]                             forward proxy: set it as the device's HTTP proxy

    --listen <host:port>     proxy address (default 127.0.0.1:8080; 0.0.0.0:8080 lets a phone in)
    --api <host:port>        control API address (default 127.0.0.1:8474); one other machines can reach
                             (0.0.0.0:8474) needs a key
    --api-key-file <file>    require "Authorization: Bearer <key>" on the API, the key read from this file
                             (or from EXPIRYPROOF_PROXY_API_KEY; never on the command line, where ps shows it)
    --api-allow-host <name>  a name the API answers to besides localhost and its address (repeatable)
    --rules <file>           load rules from a JSON or YAML file
    --mitm                   intercept HTTPS with a local CA (devices install it from http://expiryproof.proxy/)
    --ca-dir <dir>           where the CA is kept (default ~/.expiryproof/proxy-ca)
    --allow-host <glob>      forward mode: only reach these hosts (repeatable)
    --upstream-ca <file>     trust this CA (PEM) for HTTPS upstreams
    --insecure-upstream      do not verify HTTPS upstream certificates
    --max-header-size <n>    largest request header block in bytes (default 16384)
    --verbose                print every request, not only those a rule fired on

Talk to a running proxy (add --api <host:port> if it is not on 127.0.0.1:8474, and --api-key-file <file> or
EXPIRYPROOF_PROXY_API_KEY if it needs a key):
  expiryproof-proxy scenarios                      list the ready-made scenarios
  expiryproof-proxy arm <scenario> [--refresh-path <glob>] [--api-path <glob>] [--api-host <glob>] [--ttl 10m]
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
      await (await clientFor(values)).reset();
      console.log('reset: no rules, empty log');
      return 0;
    }
    default:
      throw new ProxyConfigError(`unknown command "${command}"\n\n${USAGE}`);
  }
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
