// A store plus a way to look inside it, the same for the three stores: the tests check what a store holds
// (rows, revocations, deny-list entries) without caring which one it is.
import type { PostgresStore, PostgresTables } from '../src/postgres.js';
import type { RedisStore } from '../src/redis.js';
import type { SqliteStore } from '../src/sqlite.js';
import type { RefreshTokenStore } from '../src/store.js';

export type StoreKind = 'sqlite' | 'postgres' | 'redis';
export const STORE_KINDS: readonly StoreKind[] = ['sqlite', 'postgres', 'redis'];

/** A refresh token as the store holds it. */
export interface TokenView {
  hash: string;
  spentAt: number | null;
}

/** A family's revocation as the store holds it. */
export interface FamilyView {
  revokedAt: number | null;
  revokedReason: string | null;
  accessDeniedUntil: number | null;
}

export interface StoreHandle {
  kind: StoreKind;
  store: RefreshTokenStore;
  /** The family's refresh tokens, oldest first, straight from the store. */
  tokens(familyId: string): Promise<TokenView[]>;
  /** The family's record, straight from the store. */
  family(familyId: string): Promise<FamilyView | undefined>;
  /** Everything the store holds, as text. */
  dump(): Promise<string>;
}

const time = (value: unknown) => (value === null || value === undefined ? null : Number(value));
// Oldest first; a spent token is older than the unspent one issued in the same millisecond.
const byAge = (a: TokenView & { issuedAt: number }, b: TokenView & { issuedAt: number }) =>
  a.issuedAt - b.issuedAt || Number(b.spentAt !== null) - Number(a.spentAt !== null);
const views = (rows: Array<TokenView & { issuedAt: number }>): TokenView[] =>
  rows.sort(byAge).map(({ hash, spentAt }) => ({ hash, spentAt }));

export function sqliteHandle(store: SqliteStore, tablePrefix = 'ep_'): StoreHandle {
  const db = store.database;
  return {
    kind: 'sqlite',
    store,
    async tokens(familyId) {
      const rows = db
        .prepare(
          `SELECT token_hash, spent_at, issued_at FROM ${tablePrefix}refresh_tokens WHERE family_id = ?`,
        )
        .all(familyId) as Array<{ token_hash: string; spent_at: number | null; issued_at: number }>;
      return views(rows.map((r) => ({ hash: r.token_hash, spentAt: r.spent_at, issuedAt: r.issued_at })));
    },
    async family(familyId) {
      const row = db.prepare(`SELECT * FROM ${tablePrefix}families WHERE family_id = ?`).get(familyId) as
        | { revoked_at: number | null; revoked_reason: string | null; access_denied_until: number | null }
        | undefined;
      return (
        row && {
          revokedAt: row.revoked_at,
          revokedReason: row.revoked_reason,
          accessDeniedUntil: row.access_denied_until,
        }
      );
    },
    async dump() {
      return JSON.stringify([
        db.prepare(`SELECT * FROM ${tablePrefix}families`).all(),
        db.prepare(`SELECT * FROM ${tablePrefix}refresh_tokens`).all(),
      ]);
    },
  };
}

export function postgresHandle(
  store: PostgresStore,
  { schema, tablePrefix = 'ep_' }: PostgresTables,
): StoreHandle {
  const table = (name: string) => `${schema === undefined ? '' : `"${schema}".`}"${tablePrefix}${name}"`;
  const query = async (text: string, values: unknown[] = []) =>
    (await store.pool.query<Record<string, unknown>>(text, values)).rows;
  return {
    kind: 'postgres',
    store,
    async tokens(familyId) {
      const rows = await query(
        `SELECT token_hash, spent_at, issued_at FROM ${table('refresh_tokens')} WHERE family_id = $1`,
        [familyId],
      );
      return views(
        rows.map((r) => ({
          hash: String(r.token_hash),
          spentAt: time(r.spent_at),
          issuedAt: Number(r.issued_at),
        })),
      );
    },
    async family(familyId) {
      const [row] = await query(`SELECT * FROM ${table('families')} WHERE family_id = $1`, [familyId]);
      return (
        row && {
          revokedAt: time(row.revoked_at),
          revokedReason: (row.revoked_reason as string | null) ?? null,
          accessDeniedUntil: time(row.access_denied_until),
        }
      );
    },
    async dump() {
      return JSON.stringify([
        await query(`SELECT * FROM ${table('families')}`),
        await query(`SELECT * FROM ${table('refresh_tokens')}`),
      ]);
    },
  };
}

export function redisHandle(store: RedisStore, keyPrefix = 'ep:'): StoreHandle {
  const { client } = store;
  return {
    kind: 'redis',
    store,
    async tokens(familyId) {
      const keys = await client.keys(`${keyPrefix}t:*`);
      const rows = await Promise.all(keys.map(async (key) => ({ key, fields: await client.hgetall(key) })));
      return views(
        rows
          .filter(({ fields }) => fields.family === familyId)
          .map(({ key, fields }) => ({
            hash: key.slice(`${keyPrefix}t:`.length),
            spentAt: time(fields.spent_at),
            issuedAt: Number(fields.issued_at),
          })),
      );
    },
    async family(familyId) {
      const fields = await client.hgetall(`${keyPrefix}f:${familyId}`);
      if (fields.subject === undefined) return undefined;
      return {
        revokedAt: time(fields.revoked_at),
        revokedReason: fields.revoked_reason ?? null,
        accessDeniedUntil: time(fields.access_denied_until),
      };
    },
    async dump() {
      const keys = await client.keys(`${keyPrefix}*`);
      const values = await Promise.all(
        keys.map(async (key) =>
          (await client.type(key)) === 'hash' ? client.hgetall(key) : client.get(key),
        ),
      );
      return JSON.stringify(Object.fromEntries(keys.map((key, i) => [key, values[i]])));
    },
  };
}
