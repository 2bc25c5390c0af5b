/**
 * The @expiryproof/server section of `npm run bench` (`--only=server`): refreshes per second and latency on
 * SQLite, PostgreSQL and Redis, with 1 and with 4 server processes sharing the store — the race test's server
 * (packages/server/test/fixtures/race-server.ts) and throwaway database servers on 127.0.0.1. Each of 32
 * clients signs in once and then refreshes its own family in a loop (every refresh a real rotation: no grace
 * answer, no reuse), round-robin over the processes. Figures compare stores and process counts within a run.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { createSqliteStore } from '../../packages/server/src/sqlite.js';
import { type DbServer, startPostgres, startRedis } from '../../packages/server/test/db-servers.js';

const SCRIPT = fileURLToPath(new URL('../../packages/server/test/fixtures/race-server.ts', import.meta.url));
const CLIENTS = 32;
const SECRET = 'a bench secret that is longer than thirty-two bytes';

async function spawnServer(env: Record<string, string>): Promise<{ origin: string; child: ChildProcess }> {
  const child = spawn(process.execPath, ['--import', 'tsx', SCRIPT], {
    env: { ...process.env, ...env, EP_RACE_SECRET: SECRET },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const lines = createInterface({ input: child.stdout! });
  const [line] = (await Promise.race([
    once(lines, 'line'),
    once(child, 'exit').then(([code]) => {
      throw new Error(`server exited with ${code} before listening`);
    }),
  ])) as [string];
  lines.close();
  return { origin: `http://127.0.0.1:${(JSON.parse(line) as { port: number }).port}`, child };
}

const post = (url: string, body: unknown) =>
  fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;

/** Every client refreshes its own family back to back for `ms`; latencies of the successful ones. */
async function loop(origins: string[], refreshTokens: string[], ms: number) {
  const latencies: number[] = [];
  let failures = 0;
  let next = 0;
  const deadline = performance.now() + ms;
  await Promise.all(
    refreshTokens.map(async (first, client) => {
      let token = first;
      while (performance.now() < deadline) {
        const origin = origins[next++ % origins.length]!;
        const started = performance.now();
        const res = await post(`${origin}/auth/refresh`, { refreshToken: token });
        const text = await res.text();
        if (res.status !== 200) {
          failures++;
          throw new Error(`client ${client}: refresh answered ${res.status} ${text}`);
        }
        latencies.push(performance.now() - started);
        token = (JSON.parse(text) as { refreshToken: string }).refreshToken;
      }
      refreshTokens[client] = token;
    }),
  );
  return { latencies, failures };
}

async function measure(kind: string, env: Record<string, string>, processes: number) {
  const spawned = await Promise.allSettled(Array.from({ length: processes }, () => spawnServer(env)));
  const servers = spawned.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []));
  try {
    const failed = spawned.find((s) => s.status === 'rejected');
    if (failed) throw failed.reason;
    const origins = servers.map((s) => s.origin);
    const tokens = await Promise.all(
      Array.from({ length: CLIENTS }, async (_, i) => {
        const res = await post(`${origins[i % origins.length]}/auth/login`, {
          username: 'racer',
          password: 'racer',
        });
        return ((await res.json()) as { refreshToken: string }).refreshToken;
      }),
    );
    await loop(origins, tokens, 1_000); // warm-up: JIT, connection pools
    const seconds = 4;
    const { latencies } = await loop(origins, tokens, seconds * 1000);
    const sorted = latencies.sort((a, b) => a - b);
    return {
      store: kind,
      'server processes': processes,
      'refreshes/s': Math.round(latencies.length / seconds),
      'p50 ms': percentile(sorted, 50).toFixed(2),
      'p99 ms': percentile(sorted, 99).toFixed(2),
      rotations: latencies.length,
    };
  } finally {
    await Promise.all(
      servers.map(async ({ child }) => {
        if (child.exitCode !== null) return;
        const exited = once(child, 'exit');
        child.kill('SIGTERM');
        await exited;
      }),
    );
  }
}

export async function serverBench() {
  const started: DbServer[] = [];
  const dir = mkdtempSync(join(tmpdir(), 'ep-bench-'));
  try {
    const [postgres, redis] = await Promise.all([startPostgres(), startRedis()]);
    started.push(postgres, redis);
    const rows = [];
    for (const processes of [1, 4]) {
      // A fresh store per run: SQLite's file made (schema, WAL) before the processes open it.
      const file = join(dir, `bench-${processes}.db`);
      createSqliteStore({ filename: file }).close();
      rows.push(
        await measure('SQLite (file, WAL)', { EP_RACE_STORE: 'sqlite', EP_RACE_DB: file }, processes),
      );
      rows.push(
        await measure(
          'PostgreSQL',
          { EP_RACE_STORE: 'postgres', EP_RACE_DB: postgres.url, EP_RACE_PREFIX: `bench${processes}_` },
          processes,
        ),
      );
      rows.push(
        await measure(
          'Redis',
          { EP_RACE_STORE: 'redis', EP_RACE_DB: redis.url, EP_RACE_PREFIX: `bench${processes}:` },
          processes,
        ),
      );
    }
    return rows;
  } finally {
    await Promise.all(started.map((server) => server.stop()));
    rmSync(dir, { recursive: true, force: true });
  }
}
