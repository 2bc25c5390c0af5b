import { describe, expect, it } from 'vitest';
import { createTokenService } from '../src/index.js';
import { createSqliteStore } from '../src/sqlite.js';
import { fileStore, SECRET } from './helpers.js';

describe('SQLite store', () => {
  it('opens a file in WAL mode with a busy timeout, and reopens it with the data intact', async () => {
    const { store, file } = fileStore();
    expect(store.database.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(store.database.pragma('busy_timeout', { simple: true })).toBe(5000);
    const tokens = createTokenService({
      store,
      keys: [{ kid: 'k', alg: 'HS256', secret: SECRET }],
      accessTtl: 60_000,
      refreshTtl: 60_000,
    });
    const issued = await tokens.issue('user-1');
    store.close();

    const reopened = createSqliteStore({ filename: file });
    try {
      const again = createTokenService({
        store: reopened,
        keys: [{ kid: 'k', alg: 'HS256', secret: SECRET }],
        accessTtl: 60_000,
        refreshTtl: 60_000,
      });
      expect(await again.refresh(issued.refreshToken)).toMatchObject({ ok: true, via: 'rotation' });
    } finally {
      reopened.close();
    }
  });

  it('works in memory, and prunes expired tokens and lapsed families', async () => {
    const store = createSqliteStore();
    let now = 1_000_000;
    const tokens = createTokenService({
      store,
      keys: [{ kid: 'k', alg: 'HS256', secret: SECRET }],
      accessTtl: 1_000,
      refreshTtl: 10_000,
      clock: () => now,
    });
    const kept = await tokens.issue('user-1');
    const gone = await tokens.issue('user-2');
    await tokens.logout(gone.refreshToken);
    now += 5_000;
    const rotated = await tokens.refresh(kept.refreshToken);
    expect(rotated.ok).toBe(true);
    now += 6_000;
    // user-2's token (and family) and user-1's first token have expired; user-1's second has not.
    expect(store.prune(now)).toEqual({ tokens: 2, families: 1 });
    expect(rotated.ok && (await tokens.refresh(rotated.tokens.refreshToken)).ok).toBe(true);
    store.close();
  });

  it('rejects a table prefix that is not an identifier', () => {
    expect(() => createSqliteStore({ tablePrefix: 'x; DROP TABLE y' })).toThrow(/tablePrefix/);
  });
});
