// One store of each kind per test, isolated from the others: SQLite in a temporary file, PostgreSQL in its
// own tables, Redis under its own key prefix, on servers this test file starts (and stops) itself.
import { Redis } from 'ioredis';
import pg from 'pg';
import { afterAll, beforeAll } from 'vitest';
import { createPostgresStore } from '../src/postgres.js';
import { createRedisStore } from '../src/redis.js';
import { type DbServer, startPostgres, startRedis } from './db-servers.js';
import { fileStore } from './helpers.js';
import {
  postgresHandle,
  redisHandle,
  type StoreHandle,
  type StoreKind,
  sqliteHandle,
} from './store-handles.js';

export interface DbServers {
  postgres: DbServer;
  redis: DbServer;
  /** A pool on the PostgreSQL server, for the tests' own stores and queries. */
  pool: pg.Pool;
  /** A client of the Redis server, likewise. */
  client: Redis;
}

let unique = 0;
/** A name no other store of this process uses: `<stem><n>`. */
export const uniqueName = (stem: string) => `${stem}${++unique}_${process.pid}`;

/**
 * Starts a PostgreSQL and a Redis server before this file's tests (in parallel) and stops them after.
 * Missing binaries fail every test of the file, with a message saying what to install.
 */
export function useDbServers(): () => DbServers {
  let servers: DbServers | undefined;
  const started: DbServer[] = [];
  beforeAll(async () => {
    // Each is remembered as soon as it is up, so that afterAll stops it even if the other failed.
    const remember = (server: DbServer) => {
      started.push(server);
      return server;
    };
    const [postgres, redis] = await Promise.all([
      startPostgres().then(remember),
      startRedis().then(remember),
    ]);
    console.log(
      `db servers: PostgreSQL up in ${postgres.startupMs.toFixed(0)} ms (initdb included), redis-server in ${redis.startupMs.toFixed(0)} ms`,
    );
    const pool = new pg.Pool({ connectionString: postgres.url, max: 20 });
    pool.on('error', () => {});
    const client = new Redis(redis.url, { maxRetriesPerRequest: 1 });
    servers = { postgres, redis, pool, client };
  }, 30_000);
  afterAll(async () => {
    if (servers) {
      await servers.pool.end();
      servers.client.disconnect();
    }
    await Promise.all(started.map((server) => server.stop()));
  }, 30_000);
  return () => {
    if (!servers) throw new Error('the database servers did not start (see the first error)');
    return servers;
  };
}

/** Opens a fresh, empty store of each kind; the servers come from {@link useDbServers}. */
export function useStores(): {
  servers: () => DbServers;
  open: (kind: StoreKind) => Promise<StoreHandle>;
} {
  const servers = useDbServers();
  return {
    servers,
    async open(kind) {
      if (kind === 'sqlite') return sqliteHandle(fileStore().store);
      if (kind === 'postgres') {
        const tables = { schema: 'ep_test', tablePrefix: `${uniqueName('t')}_` };
        const store = createPostgresStore({ pool: servers().pool, ...tables });
        await store.migrate();
        return postgresHandle(store, tables);
      }
      const keyPrefix = `${uniqueName('ep')}:`;
      return redisHandle(createRedisStore({ client: servers().client, keyPrefix }), keyPrefix);
    },
  };
}
