import { createHash, timingSafeEqual } from 'node:crypto';
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { ChaosProxy } from '../create-proxy.js';
import { ProxyConfigError } from '../errors.js';
import { withoutUserinfo } from '../redact-url.js';
import type { RuleInput } from '../rules/types.js';
import { describeScenarios, type ScenarioOptions } from '../scenarios.js';

/** Largest JSON body the API reads: a thousand rules fit; a runaway script does not. */
const MAX_BODY = 1024 * 1024;

class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly problems: string[] = [],
  ) {
    super(message);
  }
}

interface ControlApiOptions {
  proxy: ChaosProxy;
  /** Whether a request's `Host` names this API (see `apiHostCheck`). */
  hostAllowed: (host: string | undefined) => boolean;
  apiKey?: string | undefined;
  proxyUrl: string;
  upstream?: string | undefined;
}

/**
 * The control API: JSON over HTTP on its own port, so arming rules never competes with proxied traffic.
 * Browsers are kept out: requests must name the API itself in `Host` (a DNS-rebinding page names its own
 * domain), requests with an `Origin` header are refused and bodies must be JSON, so a web page the tester
 * visits cannot read or arm rules through the tester's own browser.
 */
export function createControlApi({ proxy, hostAllowed, apiKey, proxyUrl, upstream }: ControlApiOptions) {
  const keyDigest = apiKey ? digest(apiKey) : undefined;
  const routes: Array<
    [
      method: string,
      pattern: RegExp,
      handler: (req: IncomingMessage, params: string[]) => Promise<[number, unknown]>,
    ]
  > = [
    [
      'GET',
      /^\/$/,
      async () => [
        200,
        {
          name: 'expiryproof-proxy',
          mode: proxy.mode,
          proxy: proxyUrl,
          upstream: upstream === undefined ? undefined : withoutUserinfo(upstream),
          rules: proxy.rules.list().length,
          mitm: Boolean(proxy.caCertificate),
        },
      ],
    ],
    ['GET', /^\/rules$/, async () => [200, { rules: proxy.rules.list() }]],
    [
      'POST',
      /^\/rules$/,
      async (req) => [201, { rules: proxy.rules.add((await readJson(req)) as RuleInput[]) }],
    ],
    [
      'PUT',
      /^\/rules$/,
      async (req) => [200, { rules: proxy.rules.replace(asList(await readJson(req)) as RuleInput[]) }],
    ],
    [
      'GET',
      /^\/rules\/([^/]+)$/,
      async (_req, [id]) => [200, { rule: proxy.rules.get(id as string) ?? notFound(`no rule "${id}"`) }],
    ],
    [
      'DELETE',
      /^\/rules\/([^/]+)$/,
      async (_req, [id]) =>
        proxy.rules.remove(id as string) ? [200, { removed: id }] : notFound(`no rule "${id}"`),
    ],
    ['GET', /^\/scenarios$/, async () => [200, { scenarios: describeScenarios() }]],
    [
      'POST',
      /^\/scenarios\/([^/]+)$/,
      async (req, [name]) => [
        201,
        { rules: proxy.arm(name as string, ((await readJson(req, true)) ?? {}) as ScenarioOptions) },
      ],
    ],
    [
      'POST',
      /^\/reset$/,
      async () => {
        proxy.reset();
        return [200, { reset: true }];
      },
    ],
    ['GET', /^\/log$/, async (req) => [200, { entries: proxy.log.entries(logQuery(req)) }]],
    [
      'DELETE',
      /^\/log$/,
      async () => {
        proxy.log.clear();
        return [200, { cleared: true }];
      },
    ],
  ];

  const server = http.createServer(async (req, res) => {
    try {
      if (!hostAllowed(req.headers.host))
        throw new HttpError(
          421,
          'misdirected_request',
          `the control API answers requests addressed to its own address or localhost, not to ${JSON.stringify((req.headers.host ?? '').slice(0, 100))}; start the proxy with --api-allow-host <name> (apiHosts in code) to use another name`,
        );
      if (req.headers.origin !== undefined)
        throw new HttpError(403, 'forbidden', 'the control API does not answer web pages');
      if (keyDigest && !keyMatches(req.headers.authorization, keyDigest))
        throw new HttpError(401, 'unauthorized', 'this control API needs Authorization: Bearer <api key>');
      const path = (req.url ?? '/').split('?')[0] as string;
      if (path === '/ca.pem' && req.method === 'GET' && proxy.caCertificate) {
        res.writeHead(200, { 'content-type': 'application/x-pem-file' });
        return void res.end(proxy.caCertificate);
      }
      const matching = routes.filter(([, pattern]) => pattern.test(path));
      if (!matching.length)
        throw new HttpError(404, 'not_found', `no route ${path}; see GET / and the README`);
      const route = matching.find(([method]) => method === req.method);
      if (!route) {
        res.setHeader('allow', matching.map(([method]) => method).join(', '));
        throw new HttpError(405, 'method_not_allowed', `${req.method} is not allowed on ${path}`);
      }
      const params = (route[1].exec(path) ?? []).slice(1).map(decodeURIComponent);
      const [status, body] = await route[2](req, params);
      send(res, status, body);
    } catch (error) {
      const failure =
        error instanceof HttpError
          ? error
          : error instanceof ProxyConfigError
            ? new HttpError(400, 'invalid_rule', error.message, error.problems)
            : new HttpError(500, 'internal_error', 'the control API failed; see the proxy output');
      if (failure.status === 500) console.error(error);
      req.resume();
      send(res, failure.status, {
        error: {
          code: failure.code,
          message: failure.message,
          ...(failure.problems.length ? { problems: failure.problems } : {}),
        },
      });
    }
  });
  return { server };
}

function send(res: ServerResponse, status: number, body: unknown) {
  const text = JSON.stringify(body, null, 2);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': String(Buffer.byteLength(text)),
    'cache-control': 'no-store',
  });
  res.end(text);
}

function notFound(message: string): never {
  throw new HttpError(404, 'not_found', message);
}

function asList(value: unknown): unknown[] {
  if (!Array.isArray(value))
    throw new HttpError(400, 'invalid_rule', 'PUT /rules takes a list of rules (the whole new set)');
  return value;
}

function logQuery(req: IncomingMessage) {
  const query = new URL(req.url ?? '/', 'http://api').searchParams;
  const number = (name: string) => {
    const raw = query.get(name);
    if (raw === null) return undefined;
    const value = Number(raw);
    if (!(Number.isInteger(value) && value >= 0))
      throw new HttpError(400, 'bad_request', `${name} must be a whole number ≥ 0`);
    return value;
  };
  const limit = number('limit');
  const since = number('since');
  return { ...(limit !== undefined ? { limit } : {}), ...(since !== undefined ? { since } : {}) };
}

async function readJson(req: IncomingMessage, optional = false): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY)
      throw new HttpError(413, 'too_large', `request bodies are limited to ${MAX_BODY} bytes`);
    chunks.push(chunk);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  if (!text.trim()) {
    if (optional) return undefined;
    throw new HttpError(400, 'invalid_json', 'expected a JSON body');
  }
  if (!/^application\/json\b/i.test(req.headers['content-type'] ?? ''))
    throw new HttpError(415, 'unsupported_media_type', 'send the body with Content-Type: application/json');
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new HttpError(400, 'invalid_json', `the body is not valid JSON: ${(error as Error).message}`);
  }
}

function digest(value: string): Buffer {
  return createHash('sha256').update(value).digest();
}

function keyMatches(authorization: string | undefined, expected: Buffer): boolean {
  const given = authorization?.match(/^Bearer\s+(.+)$/i)?.[1];
  return given !== undefined && timingSafeEqual(digest(given), expected);
}
