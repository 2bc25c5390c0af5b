/**
 * `@expiryproof/server/postgres`: the PostgreSQL store. A separate entry so that the main entry never loads
 * pg, an optional peer dependency.
 */

export type { PostgresTables } from './postgres-sql.js';
export { createPostgresStore, type PostgresStore, type PostgresStoreOptions } from './postgres-store.js';
