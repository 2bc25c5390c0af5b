import { type IncomingMessage, type ServerResponse, STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';

/** Marks answers made by a rule (value: the rule id), so a tester reading devtools knows who answered. */
export const RULE_HEADER = 'x-expiryproof-rule';

/** A complete answer, written either to a response (`send`) or straight to a socket (`sendRaw`). */
export interface Message {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/**
 * The answer a rule gives, made the way a real API would have: an error body in the common OAuth/JSON shape, the
 * headers clients act on (`WWW-Authenticate`, `Retry-After`), and CORS headers for the caller's origin — without
 * them a browser hides the status from the app, which then sees a network error instead of a 401.
 */
export function ruleAnswer(
  req: IncomingMessage,
  spec: { status: number; body: unknown; headers: Record<string, string> },
  ruleId: string,
): Message {
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
  return { status, headers, body };
}

/** A JSON error from the proxy itself (bad gateway, refused relay, malformed request, …). */
export function proxyErrorAnswer(
  req: IncomingMessage | undefined,
  status: number,
  code: string,
  message: string,
): Message {
  return {
    status,
    headers: {
      'content-type': 'application/json; charset=utf-8',
      'cache-control': 'no-store',
      'x-expiryproof-proxy': 'error',
      ...(req ? corsHeaders(req) : {}),
    },
    body: JSON.stringify({ error: code, message }),
  };
}

/** Writes a message as the response; a response already under way can only be cut off. */
export function send(res: ServerResponse, message: Message): void {
  if (res.headersSent) return void res.destroy();
  res.writeHead(message.status, {
    ...message.headers,
    'content-length': String(Buffer.byteLength(message.body)),
  });
  res.end(message.body);
}

/** Writes a message on a socket no HTTP response object owns (upgrades, CONNECT, parse errors), then closes it. */
export function sendRaw(socket: Duplex, message: Message): void {
  // A client that hangs up before reading this last answer (curl after a refused CONNECT) resets the
  // connection: nothing is left to do about it, and it must not become an unhandled error in the proxy.
  socket.on('error', () => socket.destroy());
  const headers = Object.entries(message.headers).flat();
  writeRawHead(socket, message.status, [
    ...headers,
    'Content-Length',
    String(Buffer.byteLength(message.body)),
  ]);
  socket.end(message.body);
}

/** A status line and headers on a raw socket; anything but a protocol switch is the connection's last answer. */
export function writeRawHead(socket: Duplex, status: number, rawHeaders: readonly string[]): void {
  if (!socket.writable) return;
  let head = `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? ''}\r\n`;
  for (let i = 0; i < rawHeaders.length; i += 2) head += `${rawHeaders[i]}: ${rawHeaders[i + 1]}\r\n`;
  if (status !== 101) head += 'Connection: close\r\n';
  socket.write(`${head}\r\n`);
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
