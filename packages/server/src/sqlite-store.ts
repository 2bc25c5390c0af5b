import Database, { type Database as SqliteDatabase } from 'better-sqlite3';
import type {
  NewRefreshToken,
  RefreshTokenStore,
  RotationResult,
  RotationStep,
  StoredRefreshToken,
} from './store.js';

/** Options of {@link createSqliteStore}. */
export interface SqliteStoreOptions {
  /** A database file (created when missing) or `':memory:'` (the default). Ignored when `database` is given. */
  filename?: string;
  /** An open better-sqlite3 database to add the tables to (e.g. the app's own). `close()` leaves it open. */
  database?: SqliteDatabase;
  /** How long a write waits for another connection's lock, in ms. Default 5 000. */
  busyTimeout?: number;
  /** Prefix of the two tables (`<prefix>families`, `<prefix>refresh_tokens`). Default `ep_`. */
  tablePrefix?: string;
}

/** A {@link RefreshTokenStore} on SQLite, plus housekeeping. */
export interface SqliteStore extends RefreshTokenStore {
  /** The underlying database. */
  readonly database: SqliteDatabase;
  /**
   * Deletes refresh tokens that expired before `now`, and families left without tokens whose deny-list
   * entry has lapsed. Run it now and then (e.g. hourly). Returns how many rows went.
   */
  prune(now?: number): { tokens: number; families: number };
  /** Closes the database if this store opened it. */
  close(): void;
}

interface TokenRow {
  hash: string;
  family_id: string;
  subject: string;
  issued_at: number;
  expires_at: number;
  spent_at: number | null;
  successor: string | null;
  idempotency_key: string | null;
  revoked_at: number | null;
}

const toRecord = (row: TokenRow | undefined): StoredRefreshToken | undefined =>
  row && {
    hash: row.hash,
    familyId: row.family_id,
    subject: row.subject,
    issuedAt: row.issued_at,
    expiresAt: row.expires_at,
    spentAt: row.spent_at,
    successor: row.successor,
    idempotencyKey: row.idempotency_key,
    familyRevokedAt: row.revoked_at,
  };

/**
 * The embedded store: refresh-token families in SQLite via better-sqlite3, in a file or in memory.
 *
 * The file is put in WAL mode with a busy timeout, so several processes (one app on several workers, or
 * `node:cluster`) can share it: rotation is one `BEGIN IMMEDIATE` transaction around a conditional
 * `UPDATE … WHERE spent_at IS NULL … RETURNING`, so exactly one of any number of racing processes rotates a
 * token and the others see it spent. One machine only: SQLite over a network file system is not safe;
 * several machines need a PostgreSQL or Redis store.
 *
 * better-sqlite3 is synchronous: each call blocks the event loop for its query (microseconds; up to
 * `busyTimeout` while another process holds the write lock).
 */
export function createSqliteStore(options: SqliteStoreOptions = {}): SqliteStore {
  const prefix = options.tablePrefix ?? 'ep_';
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(prefix))
    throw new TypeError('tablePrefix: letters, digits and _ only');
  const owned = options.database === undefined;
  const db = options.database ?? new Database(options.filename ?? ':memory:');
  db.pragma(`busy_timeout = ${Math.max(0, Math.floor(options.busyTimeout ?? 5000))}`);
  db.pragma('journal_mode = WAL');
  const families = `${prefix}families`;
  const tokens = `${prefix}refresh_tokens`;
  db.transaction(() =>
    db.exec(`
      CREATE TABLE IF NOT EXISTS ${families} (
        family_id TEXT PRIMARY KEY,
        subject TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        revoked_at INTEGER,
        revoked_reason TEXT,
        access_denied_until INTEGER
      );
      CREATE TABLE IF NOT EXISTS ${tokens} (
        token_hash TEXT PRIMARY KEY,
        family_id TEXT NOT NULL,
        subject TEXT NOT NULL,
        issued_at INTEGER NOT NULL,
        expires_at INTEGER NOT NULL,
        spent_at INTEGER,
        successor TEXT,
        idempotency_key TEXT
      );
      CREATE INDEX IF NOT EXISTS ${tokens}_family ON ${tokens}(family_id);
      CREATE INDEX IF NOT EXISTS ${tokens}_expiry ON ${tokens}(expires_at);
    `),
  ).immediate();

  const insertFamily = db.prepare(
    `INSERT INTO ${families} (family_id, subject, created_at) VALUES (?, ?, ?)`,
  );
  const insertToken = db.prepare<[string, string, string, number, number]>(
    `INSERT INTO ${tokens} (token_hash, family_id, subject, issued_at, expires_at) VALUES (?, ?, ?, ?, ?)`,
  );
  const find = db.prepare<[string], TokenRow>(
    `SELECT t.token_hash AS hash, t.family_id, t.subject, t.issued_at, t.expires_at, t.spent_at, t.successor,
            t.idempotency_key, f.revoked_at
       FROM ${tokens} t JOIN ${families} f ON f.family_id = t.family_id
      WHERE t.token_hash = ?`,
  );
  // The atomic step: only an unspent, unexpired token of an unrevoked family is spent, by one caller.
  const spend = db.prepare<[number, string, string | null, string, number], { family_id: string }>(
    `UPDATE ${tokens} SET spent_at = ?, successor = ?, idempotency_key = ?
      WHERE token_hash = ? AND spent_at IS NULL AND expires_at > ?
        AND EXISTS (SELECT 1 FROM ${families} f WHERE f.family_id = ${tokens}.family_id AND f.revoked_at IS NULL)
      RETURNING family_id`,
  );
  const revoke = db.prepare<[number, string, number, string], { subject: string }>(
    `UPDATE ${families} SET revoked_at = ?, revoked_reason = ?, access_denied_until = ?
      WHERE family_id = ? AND revoked_at IS NULL
      RETURNING subject`,
  );
  const denied = db.prepare<[string, number], { d: number }>(
    `SELECT 1 AS d FROM ${families} WHERE family_id = ? AND access_denied_until > ?`,
  );
  const pruneTokens = db.prepare<[number]>(`DELETE FROM ${tokens} WHERE expires_at <= ?`);
  const pruneFamilies = db.prepare<[number]>(
    `DELETE FROM ${families}
      WHERE (access_denied_until IS NULL OR access_denied_until <= ?)
        AND NOT EXISTS (SELECT 1 FROM ${tokens} t WHERE t.family_id = ${families}.family_id)`,
  );

  const insert = (t: NewRefreshToken) =>
    insertToken.run(t.hash, t.familyId, t.subject, t.issuedAt, t.expiresAt);
  const create = db.transaction((first: NewRefreshToken) => {
    insertFamily.run(first.familyId, first.subject, first.issuedAt);
    insert(first);
  });
  const rotate = db.transaction((step: RotationStep): RotationResult => {
    const spent = spend.get(step.now, step.successor, step.idempotencyKey, step.parentHash, step.now);
    if (!spent) return { rotated: false, parent: toRecord(find.get(step.parentHash)) };
    if (spent.family_id !== step.child.familyId)
      throw new Error('rotate: the child must be in the parent’s family');
    insert(step.child);
    return { rotated: true };
  });
  const prune = db.transaction((now: number) => ({
    tokens: pruneTokens.run(now).changes,
    families: pruneFamilies.run(now).changes,
  }));

  return {
    database: db,
    async createFamily(first) {
      create.immediate(first);
    },
    async findToken(hash) {
      return toRecord(find.get(hash));
    },
    // IMMEDIATE: take the write lock before reading, so a racing process waits (busy_timeout) instead of
    // failing with SQLITE_BUSY when its read snapshot turns stale.
    async rotate(step) {
      return rotate.immediate(step);
    },
    async revokeFamily(familyId, { at, reason, denyAccessUntil }) {
      return revoke.get(at, reason, denyAccessUntil, familyId);
    },
    async isAccessDenied(familyId, now) {
      return denied.get(familyId, now) !== undefined;
    },
    prune: (now = Date.now()) => prune.immediate(now),
    close() {
      if (owned) db.close();
    },
  };
}
