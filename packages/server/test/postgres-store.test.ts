// What only the PostgreSQL store has: migrations, its own pool from a connection string, pruning, names.
// The store contract itself runs in store-contract.test.ts.
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTokenService } from '../src/index.js';
import { createPostgresStore } from '../src/postgres.js';
import { type DbServer, startPostgres } from './db-servers.js';
import { SECRET } from './helpers.js';
import { uniqueName } from './stores.js';

let server: DbServer;
let pool: pg.Pool;
beforeAll(async () => {
  server = await startPostgres();
  pool = new pg.Pool({ connectionString: server.url });
  pool.on('error', () => {});
}, 30_000);
afterAll(async () => {
  await pool?.end();
  await server?.stop();
});

const service = (store: Parameters<typeof createTokenService>[0]['store'], clock?: () => number) =>
  createTokenService({
    store,
    keys: [{ kid: 'k', alg: 'HS256', secret: SECRET }],
    accessTtl: 1_000,
    refreshTtl: 10_000,
    ...(clock === undefined ? {} : { clock }),
  });

const tablesIn = async (schema: string) =>
  (
    await pool.query<{ table_name: string }>(
      'SELECT table_name FROM information_schema.tables WHERE table_schema = $1 ORDER BY table_name',
      [schema],
    )
  ).rows.map((row) => row.table_name);

describe('PostgreSQL store', () => {
  it('migrates once however many instances run migrate() at the same time, and again harmlessly', async () => {
    const schema = uniqueName('schema');
    const stores = Array.from({ length: 8 }, () => createPostgresStore({ pool, schema }));
    await Promise.all(stores.map((store) => store.migrate()));
    expect(await tablesIn(schema)).toEqual(['ep_families', 'ep_refresh_tokens']);
    await stores[0]!.migrate();
    const issued = await service(stores[1]!).issue('user-1');
    expect(await service(stores[2]!).refresh(issued.refreshToken)).toMatchObject({
      ok: true,
      via: 'rotation',
    });
  });

  it('from a connection string: opens its own pool, and close() ends it; a given pool is left open', async () => {
    const tablePrefix = `${uniqueName('own')}_`;
    const own = createPostgresStore({ connectionString: server.url, tablePrefix });
    await own.migrate();
    const issued = await service(own).issue('user-1');
    expect(await service(own).refresh(issued.refreshToken)).toMatchObject({ ok: true });
    await own.close();
    expect(own.pool.ended).toBe(true);

    const borrowed = createPostgresStore({ pool, tablePrefix });
    await borrowed.close();
    expect(pool.ended).toBe(false);
    // The data outlives the store that wrote it.
    expect(await borrowed.findToken('nothing')).toBeUndefined();
    expect(
      (await pool.query(`SELECT count(*)::int AS n FROM "${tablePrefix}refresh_tokens"`)).rows[0],
    ).toEqual({
      n: 2,
    });
  });

  it('prunes expired tokens and lapsed families', async () => {
    const store = createPostgresStore({ pool, tablePrefix: `${uniqueName('prune')}_` });
    await store.migrate();
    let now = 1_000_000;
    const tokens = service(store, () => now);
    const kept = await tokens.issue('user-1');
    const gone = await tokens.issue('user-2');
    await tokens.logout(gone.refreshToken);
    now += 5_000;
    const rotated = await tokens.refresh(kept.refreshToken);
    expect(rotated.ok).toBe(true);
    now += 6_000;
    // user-2's token (and family) and user-1's first token have expired; user-1's second has not.
    expect(await store.prune(now)).toEqual({ tokens: 2, families: 1 });
    expect(rotated.ok && (await tokens.refresh(rotated.tokens.refreshToken)).ok).toBe(true);
  });

  it('rejects a schema or table prefix that is not an identifier', () => {
    expect(() => createPostgresStore({ pool, tablePrefix: 'x; DROP TABLE y' })).toThrow(/tablePrefix/);
    expect(() => createPostgresStore({ pool, schema: 'a"b' })).toThrow(/schema/);
    expect(() => createPostgresStore({ pool, tablePrefix: 'p'.repeat(41) })).toThrow(/tablePrefix/);
  });
});
