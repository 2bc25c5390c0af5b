import { defineConfig } from 'tsup';
import { packageBuild } from '../../tsup.base.js';

// One entry per store: the optional peers (better-sqlite3, pg, ioredis) are imported by their own entry only,
// never by the main entry.
export default defineConfig({
  ...packageBuild(['jose', 'better-sqlite3', 'pg', 'ioredis', 'fastify']),
  entry: [
    'src/index.ts',
    'src/sqlite.ts',
    'src/postgres.ts',
    'src/redis.ts',
    'src/node.ts',
    'src/fastify.ts',
  ],
});
