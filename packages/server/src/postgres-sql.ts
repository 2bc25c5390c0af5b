/** Where the PostgreSQL store's two tables live. */
export interface PostgresTables {
  /** A schema to create the tables in (created by `migrate()` when missing). Default: the search path. */
  schema?: string;
  /** Prefix of the two tables (`<prefix>families`, `<prefix>refresh_tokens`). Default `ep_`. */
  tablePrefix?: string;
}

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** A validated identifier, quoted. Only letters, digits and `_`, so quoting only fixes the case. */
function identifier(name: string, what: string, maxLength: number): string {
  if (!IDENTIFIER.test(name) || name.length > maxLength)
    throw new TypeError(`${what}: letters, digits and _ only, at most ${maxLength} characters`);
  return `"${name}"`;
}

/**
 * The store's SQL, built once for its table names. Times are `BIGINT` milliseconds since the epoch; `pg`
 * returns them as strings, which the store turns into numbers.
 */
export function postgresSql({ schema, tablePrefix = 'ep_' }: PostgresTables) {
  // 63 bytes is PostgreSQL's identifier limit; the longest name built on the prefix adds 21.
  identifier(tablePrefix, 'tablePrefix', 40);
  const schemaName = schema === undefined ? undefined : identifier(schema, 'schema', 63);
  const qualify = (name: string) => (schemaName === undefined ? name : `${schemaName}.${name}`);
  const families = qualify(`"${tablePrefix}families"`);
  const tokens = qualify(`"${tablePrefix}refresh_tokens"`);

  return {
    /** Serialises concurrent migrations of the same tables (`pg_advisory_xact_lock(hashtext($1))`). */
    lockKey: `expiryproof:${schema ?? ''}.${tablePrefix}`,
    migration: `
      ${schemaName === undefined ? '' : `CREATE SCHEMA IF NOT EXISTS ${schemaName};`}
      CREATE TABLE IF NOT EXISTS ${families} (
        family_id TEXT PRIMARY KEY,
        subject TEXT NOT NULL,
        created_at BIGINT NOT NULL,
        revoked_at BIGINT,
        revoked_reason TEXT,
        access_denied_until BIGINT
      );
      CREATE TABLE IF NOT EXISTS ${tokens} (
        token_hash TEXT PRIMARY KEY,
        family_id TEXT NOT NULL,
        subject TEXT NOT NULL,
        issued_at BIGINT NOT NULL,
        expires_at BIGINT NOT NULL,
        spent_at BIGINT,
        successor TEXT,
        idempotency_key TEXT
      );
      CREATE INDEX IF NOT EXISTS "${tablePrefix}refresh_tokens_family" ON ${tokens} (family_id);
      CREATE INDEX IF NOT EXISTS "${tablePrefix}refresh_tokens_expiry" ON ${tokens} (expires_at);
    `,
    /** $1 hash, $2 family, $3 subject, $4 issued, $5 expires: the family and its first token, one statement. */
    createFamily: `
      WITH family AS (INSERT INTO ${families} (family_id, subject, created_at) VALUES ($2, $3, $4))
      INSERT INTO ${tokens} (token_hash, family_id, subject, issued_at, expires_at) VALUES ($1, $2, $3, $4, $5)`,
    /** $1 hash. */
    findToken: `
      SELECT t.token_hash, t.family_id, t.subject, t.issued_at, t.expires_at, t.spent_at, t.successor,
             t.idempotency_key, f.revoked_at
        FROM ${tokens} t JOIN ${families} f ON f.family_id = t.family_id
       WHERE t.token_hash = $1`,
    /**
     * The atomic step, one statement: spend the parent only if it is unspent, unexpired at $1 and its family
     * unrevoked, and insert the child from what the UPDATE returned. Racing statements queue on the parent's
     * row lock; each re-checks `spent_at IS NULL` on the committed row, so exactly one inserts a child.
     * $1 now, $2 successor, $3 idempotency key, $4 parent hash, $5 family, $6–$9 the child.
     */
    rotate: `
      WITH spent AS (
        UPDATE ${tokens} SET spent_at = $1, successor = $2, idempotency_key = $3
         WHERE token_hash = $4 AND family_id = $5 AND spent_at IS NULL AND expires_at > $1
           AND EXISTS (SELECT 1 FROM ${families} f WHERE f.family_id = $5 AND f.revoked_at IS NULL)
        RETURNING family_id
      )
      INSERT INTO ${tokens} (token_hash, family_id, subject, issued_at, expires_at)
      SELECT $6, family_id, $7, $8, $9 FROM spent`,
    /** $1 at, $2 reason, $3 deny access until, $4 family. */
    revokeFamily: `
      UPDATE ${families} SET revoked_at = $1, revoked_reason = $2, access_denied_until = $3
       WHERE family_id = $4 AND revoked_at IS NULL
      RETURNING subject`,
    /** $1 family, $2 now. */
    isAccessDenied: `SELECT 1 FROM ${families} WHERE family_id = $1 AND access_denied_until > $2`,
    /** $1 now. */
    pruneTokens: `DELETE FROM ${tokens} WHERE expires_at <= $1`,
    /** $1 now: families left without tokens whose deny-list entry has lapsed. */
    pruneFamilies: `
      DELETE FROM ${families} f
       WHERE (f.access_denied_until IS NULL OR f.access_denied_until <= $1)
         AND NOT EXISTS (SELECT 1 FROM ${tokens} t WHERE t.family_id = f.family_id)`,
  };
}
