import Database, { type Database as SqliteDatabase } from 'better-sqlite3';
import { hashPassword } from './passwords.js';

export const DEMO_USER = { email: 'demo@example.com', password: 'demo-password' };

/** Opens (and migrates) the demo database: users and their profiles (refresh-token families are
 * @expiryproof/server's tables, `ep_*`, in the same file). */
export async function openDatabase(file: string): Promise<SqliteDatabase> {
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma('foreign_keys = ON');
  db.exec(`
    CREATE TABLE IF NOT EXISTS users (
      id INTEGER PRIMARY KEY,
      email TEXT NOT NULL UNIQUE,
      password_hash TEXT NOT NULL
    );
    CREATE TABLE IF NOT EXISTS profiles (
      user_id INTEGER PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
      bio TEXT NOT NULL DEFAULT '',
      updated_at INTEGER
    );
  `);
  const exists = db.prepare('SELECT id FROM users WHERE email = ?').get(DEMO_USER.email);
  if (!exists) {
    const { lastInsertRowid } = db
      .prepare('INSERT INTO users (email, password_hash) VALUES (?, ?)')
      .run(DEMO_USER.email, await hashPassword(DEMO_USER.password));
    db.prepare("INSERT INTO profiles (user_id, bio) VALUES (?, '')").run(lastInsertRowid);
  }
  return db;
}

export type DemoDatabase = SqliteDatabase;
