import Database, { type Database as SqliteDatabase } from 'better-sqlite3';
import { hashPassword } from './passwords.js';

export const DEMO_USER = { email: 'demo@example.com', password: 'demo-password' };

/** Opens (and migrates) the demo database: users, their profiles and their refresh tokens (hashed). */
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
    CREATE TABLE IF NOT EXISTS refresh_tokens (
      token_hash TEXT PRIMARY KEY,
      family TEXT NOT NULL,
      user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
      expires_at INTEGER NOT NULL,
      spent_at INTEGER,
      revoked_at INTEGER
    );
    CREATE INDEX IF NOT EXISTS refresh_tokens_family ON refresh_tokens(family);
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
