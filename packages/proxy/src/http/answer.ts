import { type IncomingMessage, type ServerResponse, STATUS_CODES } from 'node:http';

/** Marks answers made by a rule (value: the rule id), so a tester reading devtools knows who answered. */
export const RULE_HEADER = 'x-expiryproof-rule';

/**
 * Answers a request the way a real API would have: an error body in the common OAuth/JSON shape, the headers
 * clients act on (`WWW-Authenticate`, `Retry-After`), and CORS headers for the caller's origin — without
 * them a browser hides the status from the app, which then sees a network error instead of a 401.
 */
export function answer(
  req: IncomingMessage,
  res: ServerResponse,
  spec: { status: number; body: unknown; headers: Record<string, string> },
  ruleId: string,
): void {
  const { status } = spec;
  const body =
    status === 204 || status === 304
      ? ''
      : serialise(spec.body === undefined ? defaultBody(status) : spec.body);
  const headers: Record<string, string> = {
    'content-type':
      typeof spec.body === 'string' ? 'text/plain; charset=utf-8' : 'application/json; charset=utf-8',
    'cache-control': 'no-store',
    [RULE_HEADER]: ruleId,
    ...challengeHeaders(status),
    ...corsHeaders(req),
  };
  for (const [name, value] of Object.entries(spec.headers)) headers[name.toLowerCase()] = value;
  headers['content-length'] = String(Buffer.byteLength(body));
  res.writeHead(status, headers);
  res.end(body);
}

/** A JSON error answer from the proxy itself (bad gateway, refused relay, …). */
export function proxyError(
  req: IncomingMessage,
  res: ServerResponse,
  status: number,
  code: string,
  message: string,
) {
  if (res.headersSent) return void res.destroy();
  const body = JSON.stringify({ error: code, message });
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': String(Buffer.byteLength(body)),
    'cache-control': 'no-store',
    'x-expiryproof-proxy': 'error',
    ...corsHeaders(req),
  });
  res.end(body);
}

function serialise(body: unknown): string {
  return typeof body === 'string' ? body : JSON.stringify(body);
}

function defaultBody(status: number): unknown {
  switch (status) {
    case 400:
      return {
        error: 'invalid_grant',
        error_description: 'The refresh token is invalid, expired or revoked.',
      };
    case 401:
      return { error: 'invalid_token', error_description: 'The access token expired.' };
    case 403:
      return { error: 'forbidden', error_description: 'The token does not allow this request.' };
    case 429:
      return { error: 'rate_limited', error_description: 'Too many requests; retry later.' };
    case 503:
      return { error: 'temporarily_unavailable', error_description: 'The service is briefly unavailable.' };
    default:
      return status < 300
        ? {}
        : { error: (STATUS_CODES[status] ?? 'error').toLowerCase().replaceAll(' ', '_') };
  }
}

function challengeHeaders(status: number): Record<string, string> {
  if (status === 401)
    return {
      'www-authenticate':
        'Bearer realm="api", error="invalid_token", error_description="The access token expired"',
    };
  if (status === 429 || status === 503) return { 'retry-after': '1' };
  return {};
}

function corsHeaders(req: IncomingMessage): Record<string, string> {
  const origin = req.headers.origin;
  if (!origin) return {};
  return {
    'access-control-allow-origin': origin,
    'access-control-allow-credentials': 'true',
    'access-control-expose-headers': 'WWW-Authenticate, Retry-After',
    vary: 'Origin',
  };
}
