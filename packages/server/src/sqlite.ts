/**
 * `@expiryproof/server/sqlite`: the SQLite store. A separate entry so that the main entry never loads
 * better-sqlite3, an optional peer dependency.
 */
export { createSqliteStore, type SqliteStore, type SqliteStoreOptions } from './sqlite-store.js';
