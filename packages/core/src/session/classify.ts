import { InvalidTokensError } from '../errors.js';
import type { FailureKind } from './types.js';

/** The HTTP status an error carries, whichever client threw it (fetch wrappers, axios, ky, ofetch). */
function statusOf(error: unknown): unknown {
  const e = error as { status?: unknown; statusCode?: unknown; response?: { status?: unknown } } | null;
  return e?.status ?? e?.statusCode ?? e?.response?.status;
}

/**
 * 400/401/403 from the refresh endpoint mean the refresh token is dead: retrying cannot help.
 * Everything else (network errors, 5xx, 429, timeouts) may pass, so it is retried.
 */
export function classifyFailure(error: unknown): FailureKind {
  if (InvalidTokensError.is(error)) return 'invalid';
  const status = statusOf(error);
  return [400, 401, 403].includes(status as number) ? 'rejected' : 'transient';
}

/**
 * Whether a failed attempt may have reached the server and rotated the refresh token anyway: no answer at
 * all (network error, timeout, an unreadable body) or a gateway that lost the upstream's (502, 504).
 */
export function outcomeUnknown(error: unknown): boolean {
  const status = statusOf(error);
  return status === undefined || status === 502 || status === 504;
}
