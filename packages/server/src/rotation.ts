import type { Emit } from './events.js';
import type { Mint } from './mint.js';
import { seal, unseal } from './seal.js';
import { isRefreshTokenShaped, sha256 } from './secrets.js';
import type { RefreshTokenStore, StoredRefreshToken } from './store.js';
import type {
  Clock,
  IssuedTokens,
  RefreshFailureReason,
  RefreshOutcome,
  RevocationReason,
  RotationGate,
} from './types.js';

/** How far grace rule (a) follows a family forward from a spent token before giving up. */
const MAX_CHAIN = 64;

export interface RotationOptions {
  store: RefreshTokenStore;
  mint: Mint;
  clock: Clock;
  reuseInterval: number;
  idempotencyInterval: number;
  emit: Emit;
  /** Revokes a family; when this call revoked it, calls `first` with its subject, then reports `revoked`. */
  revoke: (
    familyId: string,
    reason: RevocationReason,
    at: number,
    first?: (subject: string) => void,
  ) => Promise<boolean>;
}

const fail = (reason: RefreshFailureReason): RefreshOutcome => ({ ok: false, reason });

/**
 * Refresh-token rotation with reuse detection (RFC 9700 §4.14.2) and two grace rules for benign races.
 *
 * The winner of the store's atomic `rotate` gets a new pair; the pair is also sealed onto the spent token
 * (under a key derived from that token). A spent token presented again is then judged:
 * - (b) rotated under the same idempotency key less than `idempotencyInterval` ago → that same answer again;
 * - (a) rotated less than `reuseInterval` ago → the family's current pair, found by opening the sealed
 *   successors forward from the presented token (every racer gets the same bytes, nothing is re-issued);
 * - otherwise → reuse: the family is revoked.
 */
export function createRotation({
  store,
  mint,
  clock,
  reuseInterval,
  idempotencyInterval,
  emit,
  revoke,
}: RotationOptions) {
  const succeed = (
    record: StoredRefreshToken,
    tokens: IssuedTokens,
    via: 'reuse-interval' | 'idempotency-key',
  ) => {
    emit({ type: 'replayed', rule: via, at: clock(), familyId: record.familyId, subject: record.subject });
    return { ok: true, tokens, subject: record.subject, familyId: record.familyId, via } as const;
  };

  /** Grace rule (a): follow the sealed successors from `token` to the family's unspent token. */
  async function current(token: string, record: StoredRefreshToken, now: number): Promise<RefreshOutcome> {
    let holder = token;
    let at = record;
    for (let step = 0; step < MAX_CHAIN; step++) {
      const answer = at.successor === null ? undefined : unseal(holder, at.hash, at.successor);
      if (!answer) return fail('unknown');
      const next = await store.findToken(sha256(answer.refreshToken));
      if (!next) return fail('unknown');
      if (next.familyRevokedAt !== null) return fail('revoked');
      if (next.spentAt === null) {
        return next.expiresAt > now ? succeed(record, answer, 'reuse-interval') : fail('expired');
      }
      holder = answer.refreshToken;
      at = next;
    }
    return fail('unknown');
  }

  /** The answer for a token this request could not rotate. */
  async function judge(
    presented: string,
    record: StoredRefreshToken,
    keyHash: string | null,
    now: number,
  ): Promise<RefreshOutcome> {
    if (record.familyRevokedAt !== null) return fail('revoked');
    if (record.spentAt === null) return fail(record.expiresAt <= now ? 'expired' : 'unknown');
    const age = now - record.spentAt;
    if (record.successor !== null) {
      if (keyHash !== null && record.idempotencyKey === keyHash && age < idempotencyInterval) {
        const answer = unseal(presented, record.hash, record.successor);
        if (answer) return succeed(record, answer, 'idempotency-key');
      }
      if (age < reuseInterval) return current(presented, record, now);
    }
    const { familyId, subject, spentAt } = record;
    // Reported once per family (by whoever revoked it), after the store says so.
    await revoke(familyId, 'reuse', now, () =>
      emit({ type: 'reuse-detected', spentAt, at: now, familyId, subject }),
    );
    return fail('reused');
  }

  return async function refresh(
    presented: string,
    idempotencyKey?: string,
    gate?: RotationGate,
  ): Promise<RefreshOutcome> {
    if (!isRefreshTokenShaped(presented)) return fail('unknown');
    const hash = sha256(presented);
    const keyHash = idempotencyKey === undefined ? null : sha256(idempotencyKey);
    let record = await store.findToken(hash);
    if (!record) return fail('unknown');
    const now = clock();
    if (record.spentAt === null && record.familyRevokedAt === null && record.expiresAt > now) {
      const wait = gate ? await gate.wait(record.familyId) : 0;
      if (wait > 0) return { ok: false, reason: 'rate-limited', retryAfter: wait };
      const next = await mint(record.subject, record.familyId, now);
      const result = await store.rotate({
        parentHash: hash,
        now,
        child: next.record,
        successor: seal(presented, hash, next.tokens),
        idempotencyKey: keyHash,
      });
      if (result.rotated) {
        emit({ type: 'rotated', at: now, familyId: record.familyId, subject: record.subject });
        await gate?.rotated(record.familyId);
        return {
          ok: true,
          tokens: next.tokens,
          subject: record.subject,
          familyId: record.familyId,
          via: 'rotation',
        };
      }
      // Someone else rotated it (or revoked the family, or it expired) between our read and our write.
      if (!result.parent) return fail('unknown');
      record = result.parent;
    }
    return judge(presented, record, keyHash, clock());
  };
}
