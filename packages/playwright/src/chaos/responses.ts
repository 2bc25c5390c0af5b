import type { Request } from '@playwright/test';

const REASONS: Record<number, string> = {
  400: 'invalid_request',
  401: 'invalid_token',
  403: 'forbidden',
  429: 'too_many_requests',
  500: 'internal_error',
  502: 'bad_gateway',
  503: 'service_unavailable',
  504: 'gateway_timeout',
};

/**
 * Headers a real server would send with an error: a Bearer challenge on 401, and, for a cross-origin
 * request, the CORS headers without which the browser hides the status from the app.
 */
export function errorHeaders(request: Request, status: number): Record<string, string> {
  const headers: Record<string, string> = { 'content-type': 'application/json', 'cache-control': 'no-store' };
  if (status === 401) headers['www-authenticate'] = 'Bearer error="invalid_token"';
  if (status === 503 || status === 429) headers['retry-after'] = '1';
  const origin = request.headers().origin;
  if (origin && origin !== new URL(request.url()).origin) {
    headers['access-control-allow-origin'] = origin;
    headers['access-control-allow-credentials'] = 'true';
    headers['access-control-expose-headers'] = 'www-authenticate, retry-after';
    headers.vary = 'Origin';
  }
  return headers;
}

export function errorBody(status: number): string {
  const error = REASONS[status] ?? 'error';
  return JSON.stringify({ error, message: `expiryproof chaos: ${status} ${error}` });
}
