import pg, { type Pool } from 'pg';
import { type PostgresTables, postgresSql } from './postgres-sql.js';
import type { RefreshTokenStore, StoredRefreshToken } from './store.js';

/**
 * Options of {@link createPostgresStore}: a `pool` of the app's (left open by `close()`), or a
 * `connectionString` to open one of the store's own; where the tables live.
 */
export type PostgresStoreOptions = PostgresTables &
  ({ pool: Pool; connectionString?: never } | { connectionString: string; pool?: never });

/** A {@link RefreshTokenStore} on PostgreSQL, plus schema and housekeeping. */
export interface PostgresStore extends RefreshTokenStore {
  /** The pool it queries through. */
  readonly pool: Pool;
  /**
   * Creates the schema (if one was named), the two tables and their indexes when missing
   * (`CREATE … IF NOT EXISTS`). Safe to run from every instance at startup: concurrent runs queue on an
   * advisory lock. Run it before the store's first use.
   */
  migrate(): Promise<void>;
  /**
   * Deletes refresh tokens that expired before `now`, and families left without tokens whose deny-list
   * entry has lapsed. Run it now and then (e.g. hourly). Returns how many rows went.
   */
  prune(now?: number): Promise<{ tokens: number; families: number }>;
  /** Ends the pool if this store opened it (from `connectionString`). */
  close(): Promise<void>;
}

/** A row as `pg` returns it: `BIGINT` columns come back as strings. */
interface TokenRow {
  token_hash: string;
  family_id: string;
  subject: string;
  issued_at: string;
  expires_at: string;
  spent_at: string | null;
  successor: string | null;
  idempotency_key: string | null;
  revoked_at: string | null;
}

const orNull = (value: string | null) => (value === null ? null : Number(value));

const toRecord = (row: TokenRow | undefined): StoredRefreshToken | undefined =>
  row && {
    hash: row.token_hash,
    familyId: row.family_id,
    subject: row.subject,
    issuedAt: Number(row.issued_at),
    expiresAt: Number(row.expires_at),
    spentAt: orNull(row.spent_at),
    successor: row.successor,
    idempotencyKey: row.idempotency_key,
    familyRevokedAt: orNull(row.revoked_at),
  };

/**
 * The shared store for several machines on an existing PostgreSQL database, via `pg` (an optional peer
 * dependency). Every operation is one statement, so it needs no session state and works through any pool
 * (including PgBouncer in transaction mode).
 *
 * Rotation is a single `WITH spent AS (UPDATE … WHERE spent_at IS NULL AND expires_at > now AND family
 * unrevoked RETURNING …) INSERT child SELECT … FROM spent`: racing instances queue on the parent's row lock
 * and re-check the condition on the committed row, so exactly one of them rotates and the others see the
 * token spent (with its sealed answer) when they read it back.
 */
export function createPostgresStore(options: PostgresStoreOptions): PostgresStore {
  const sql = postgresSql(options);
  const owned = options.pool === undefined;
  const pool = options.pool ?? new pg.Pool({ connectionString: options.connectionString });
  // An idle connection of our own pool that drops (server restart, network) is replaced on the next query;
  // without a listener its 'error' event would crash the process.
  if (owned) pool.on('error', () => {});

  const findToken = async (hash: string) =>
    toRecord((await pool.query<TokenRow>(sql.findToken, [hash])).rows[0]);

  return {
    pool,
    async migrate() {
      const client = await pool.connect();
      try {
        await client.query('BEGIN');
        await client.query('SELECT pg_advisory_xact_lock(hashtext($1))', [sql.lockKey]);
        await client.query(sql.migration);
        await client.query('COMMIT');
      } catch (error) {
        await client.query('ROLLBACK').catch(() => {});
        throw error;
      } finally {
        client.release();
      }
    },
    async createFamily(first) {
      await pool.query(sql.createFamily, [
        first.hash,
        first.familyId,
        first.subject,
        first.issuedAt,
        first.expiresAt,
      ]);
    },
    findToken,
    async rotate({ parentHash, now, child, successor, idempotencyKey }) {
      const { rowCount } = await pool.query(sql.rotate, [
        now,
        successor,
        idempotencyKey,
        parentHash,
        child.familyId,
        child.hash,
        child.subject,
        child.issuedAt,
        child.expiresAt,
      ]);
      if (rowCount === 1) return { rotated: true };
      const parent = await findToken(parentHash);
      if (parent && parent.familyId !== child.familyId)
        throw new Error('rotate: the child must be in the parent’s family');
      return { rotated: false, parent };
    },
    async revokeFamily(familyId, { at, reason, denyAccessUntil }) {
      const { rows } = await pool.query<{ subject: string }>(sql.revokeFamily, [
        at,
        reason,
        denyAccessUntil,
        familyId,
      ]);
      return rows[0];
    },
    async isAccessDenied(familyId, now) {
      return ((await pool.query(sql.isAccessDenied, [familyId, now])).rowCount ?? 0) > 0;
    },
    async prune(now = Date.now()) {
      const tokens = (await pool.query(sql.pruneTokens, [now])).rowCount ?? 0;
      const families = (await pool.query(sql.pruneFamilies, [now])).rowCount ?? 0;
      return { tokens, families };
    },
    async close() {
      if (owned) await pool.end();
    },
  };
}
