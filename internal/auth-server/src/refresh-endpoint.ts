import type { IncomingMessage, ServerResponse } from 'node:http';
import { setTimeout as delay } from 'node:timers/promises';
import type { TokenService } from './token-service.js';

/** What the next refresh call does instead of its normal work. */
export interface RefreshFault {
  status?: number;
  delayMs?: number;
  /** Destroy the socket without answering, before doing anything. */
  drop?: boolean;
  /** Rotate the refresh token as usual, then destroy the socket: the answer is lost in transit. */
  lose?: boolean;
  /** Answer 200 with this body instead of tokens (e.g. a malformed token set). */
  body?: unknown;
}

export interface RefreshState {
  refreshDelayMs: number;
  /**
   * Honour `Idempotency-Key` (@expiryproof/server's grace rule (b)): a retry that presents the same key and
   * the same refresh token gets the answer of the first request instead of tripping reuse detection. Off: the
   * strict server, where that retry revokes the family.
   */
  idempotency: boolean;
}

export interface RefreshStats {
  refreshCalls: number;
  refreshSucceeded: number;
  /** Retries answered from the idempotency cache: no rotation, no reuse detection. */
  idempotentReplays: number;
}

type Send = (res: ServerResponse, status: number, body: unknown) => void;

/** POST /auth/refresh: rotation (by the token service) with fault injection and optional idempotency. */
export function createRefreshEndpoint(
  tokens: TokenService,
  state: RefreshState,
  stats: RefreshStats,
  faults: RefreshFault[],
  send: Send,
) {
  async function outcome(presented: string, key: string | undefined) {
    const result = await tokens.refresh(presented, state.idempotency ? key : undefined);
    if (!result.ok) return { status: 401, body: { error: result.error } };
    if (result.replayed) stats.idempotentReplays++;
    else stats.refreshSucceeded++;
    return { status: 200, body: result.tokens };
  }

  return {
    async handle(req: IncomingMessage, res: ServerResponse, input: Record<string, unknown> | undefined) {
      stats.refreshCalls++;
      const fault = faults.shift();
      const wait = (fault?.delayMs ?? 0) + state.refreshDelayMs;
      if (wait) await delay(wait);
      if (fault?.drop) return req.socket.destroy();
      if (fault?.status) return send(res, fault.status, { error: 'injected_fault' });
      if (fault?.body !== undefined) return send(res, 200, fault.body);
      const refreshToken = input?.refreshToken;
      if (typeof refreshToken !== 'string') return send(res, 400, { error: 'invalid_request' });
      const header = req.headers['idempotency-key'];
      const { status, body } = await outcome(refreshToken, typeof header === 'string' ? header : undefined);
      if (fault?.lose) return req.socket.destroy();
      send(res, status, body);
    },
  };
}
