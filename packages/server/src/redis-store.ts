import type { Redis } from 'ioredis';
import { CREATE_FAMILY, FIND_TOKEN, REVOKE_FAMILY, ROTATE, runScript } from './redis-scripts.js';
import type { RefreshTokenStore, StoredRefreshToken } from './store.js';

/** Options of {@link createRedisStore}. */
export interface RedisStoreOptions {
  /** An ioredis client (standalone, or Sentinel-managed; not Cluster). `createRedisStore` never closes it. */
  client: Redis;
  /** Prefix of every key the store writes. Default `ep:`. Combines with the client's own `keyPrefix`. */
  keyPrefix?: string;
  /**
   * How long a spent token is kept after its rotation even when it expires sooner, so the grace rules can
   * still answer racers and retries: ms, default 60 000. Keep it ≥ the service's `reuseInterval` and
   * `idempotencyInterval`.
   */
  keepSpentFor?: number;
}

/** A {@link RefreshTokenStore} on Redis. Nothing to prune: every key expires by itself. */
export interface RedisStore extends RefreshTokenStore {
  /** The client it talks through. */
  readonly client: Redis;
}

const orNull = (value: string) => (value === '' ? null : value);
const timeOrNull = (value: string) => (value === '' ? null : Number(value));

/** A {@link FIND_TOKEN} answer (eight strings, '' for none) as a record. */
function toRecord(hash: string, reply: unknown): StoredRefreshToken | undefined {
  if (!Array.isArray(reply)) return undefined;
  const [familyId, subject, issuedAt, expiresAt, spentAt, successor, idempotencyKey, revokedAt] =
    reply as string[];
  if (familyId === undefined || subject === undefined || revokedAt === undefined) return undefined;
  return {
    hash,
    familyId,
    subject,
    issuedAt: Number(issuedAt),
    expiresAt: Number(expiresAt),
    spentAt: timeOrNull(spentAt ?? ''),
    successor: orNull(successor ?? ''),
    idempotencyKey: orNull(idempotencyKey ?? ''),
    familyRevokedAt: timeOrNull(revokedAt),
  };
}

/**
 * The shared store for several instances with ephemeral sessions: refresh-token families in Redis, via a
 * client of ioredis (an optional peer dependency). Every key has a TTL, so expired tokens, lapsed deny-list
 * entries and dead families disappear by themselves.
 *
 * Rotation is one Lua script (sent once, then run by SHA-1): it checks that the parent is unspent,
 * unexpired and its family unrevoked, and writes the spent parent and the child, with nothing in between.
 * So exactly one of any number of racing instances rotates; the others get the spent parent back from the
 * same script. Durability is Redis's: with no persistence a restart logs everyone out.
 *
 * One script touches a family’s key and its tokens’ keys, which Redis Cluster would spread over slots: Cluster is
 * not supported.
 */
export function createRedisStore(options: RedisStoreOptions): RedisStore {
  const { client } = options;
  const prefix = options.keyPrefix ?? 'ep:';
  const keepSpentFor = Math.max(0, Math.floor(options.keepSpentFor ?? 60_000));
  const tokenKey = (hash: string) => `${prefix}t:${hash}`;
  const familyKey = (familyId: string) => `${prefix}f:${familyId}`;
  const denyKey = (familyId: string) => `${prefix}d:${familyId}`;

  return {
    client,
    async createFamily(first) {
      await runScript(
        client,
        CREATE_FAMILY,
        [familyKey(first.familyId), tokenKey(first.hash)],
        [first.familyId, first.subject, first.issuedAt, first.expiresAt],
      );
    },
    async findToken(hash) {
      return toRecord(hash, await runScript(client, FIND_TOKEN, [tokenKey(hash)], [hash]));
    },
    async rotate({ parentHash, now, child, successor, idempotencyKey }) {
      const reply = await runScript(
        client,
        ROTATE,
        [tokenKey(parentHash), tokenKey(child.hash), familyKey(child.familyId)],
        [
          now,
          successor,
          idempotencyKey ?? '',
          child.familyId,
          child.subject,
          child.issuedAt,
          child.expiresAt,
          keepSpentFor,
        ],
      );
      if (!Array.isArray(reply)) throw new Error('rotate: unexpected answer from Redis');
      const [rotated, ...parent] = reply as unknown[];
      return rotated === 1 ? { rotated: true } : { rotated: false, parent: toRecord(parentHash, parent) };
    },
    async revokeFamily(familyId, { at, reason, denyAccessUntil }) {
      const subject = await runScript(
        client,
        REVOKE_FAMILY,
        [familyKey(familyId), denyKey(familyId)],
        [at, reason, denyAccessUntil],
      );
      return typeof subject === 'string' ? { subject } : undefined;
    },
    async isAccessDenied(familyId, now) {
      const until = await client.get(denyKey(familyId));
      return until !== null && Number(until) > now;
    },
  };
}
