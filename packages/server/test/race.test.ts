import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { sha256 } from '../src/secrets.js';
import { familyOf, fileStore, SECRET } from './helpers.js';

const SERVERS = 4;
const RACERS = 1_000;
// Racers must all arrive within the reuse interval of the rotation. On an idle machine they do within about
// 1 s, but this file may share 2 cores with browser tests: a longer interval keeps the test about atomicity
// across processes, not about how fast a loaded machine serves 1,000 connections. The test reports the real
// spread (rotation → last racer) so a regression in speed still shows. The interval itself is tested in
// grace.test.ts.
const REUSE_MS = 30_000;
const script = join(fileURLToPath(new URL('.', import.meta.url)), 'fixtures', 'race-server.ts');

const children: ChildProcess[] = [];
afterEach(async () => {
  await Promise.all(
    children.splice(0).map(async (child) => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = once(child, 'exit');
      child.kill('SIGTERM');
      await exited;
    }),
  );
});

/** A server process over the shared file; resolves its origin once it listens. */
async function spawnServer(file: string): Promise<string> {
  const child = spawn(process.execPath, ['--import', 'tsx', script], {
    env: { ...process.env, EP_RACE_DB: file, EP_RACE_SECRET: SECRET, EP_RACE_REUSE_MS: String(REUSE_MS) },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  children.push(child);
  const lines = createInterface({ input: child.stdout! });
  const [line] = (await Promise.race([
    once(lines, 'line'),
    once(child, 'exit').then(([code]) => {
      throw new Error(`race server exited with ${code} before listening`);
    }),
  ])) as [string];
  lines.close();
  return `http://127.0.0.1:${(JSON.parse(line) as { port: number }).port}`;
}

describe('rotation race across processes sharing one SQLite file', () => {
  it(`${RACERS} concurrent refreshes of one family over ${SERVERS} processes: one rotation, the same answer for all`, async () => {
    // The parent creates the file (schema, WAL) and reads it afterwards; the children serve.
    const { store, file } = fileStore('race.db');
    const origins = await Promise.all(Array.from({ length: SERVERS }, () => spawnServer(file)));

    const login = await fetch(`${origins[0]}/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'racer', password: 'racer' }),
    });
    const first = (await login.json()) as { accessToken: string; refreshToken: string };
    const familyId = familyOf(first.accessToken);

    const started = performance.now();
    const answers = await Promise.all(
      Array.from({ length: RACERS }, async (_, i) => {
        const res = await fetch(`${origins[i % SERVERS]}/auth/refresh`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ refreshToken: first.refreshToken }),
        });
        return { status: res.status, text: await res.text() };
      }),
    );
    const elapsed = performance.now() - started;

    const statuses: Record<number, number> = {};
    for (const { status } of answers) statuses[status] = (statuses[status] ?? 0) + 1;
    const rows = store.database
      .prepare('SELECT token_hash, spent_at FROM ep_refresh_tokens WHERE family_id = ?')
      .all(familyId) as Array<{ token_hash: string; spent_at: number | null }>;
    const family = store.database
      .prepare('SELECT revoked_at FROM ep_families WHERE family_id = ?')
      .get(familyId) as {
      revoked_at: number | null;
    };
    interface Report {
      counts: Record<string, number>;
      spans: Record<string, { first: number; last: number }>;
    }
    const reports = await Promise.all(
      origins.map(async (origin) => (await (await fetch(`${origin}/__events`)).json()) as Report),
    );
    const perProcess = reports.map((r) => r.counts);
    const total = (type: string) => perProcess.reduce((sum, counts) => sum + (counts[type] ?? 0), 0);
    const rotatedAt = Math.min(...reports.map((r) => r.spans.rotated?.first ?? Number.POSITIVE_INFINITY));
    const lastReplay = Math.max(...reports.map((r) => r.spans.replayed?.last ?? 0));
    console.log(
      `race: ${RACERS} refreshes over ${SERVERS} processes in ${elapsed.toFixed(0)} ms; ` +
        `statuses ${JSON.stringify(statuses)}; rows ${rows.length} (spent ${rows.filter((r) => r.spent_at !== null).length}); ` +
        `rotated ${total('rotated')}, replayed ${total('replayed')} (per process ${perProcess.map((c) => c.replayed ?? 0).join('/')}), ` +
        `reuse-detected ${total('reuse-detected')}, revoked ${total('revoked')}; ` +
        `last racer answered ${lastReplay - rotatedAt} ms after the rotation (reuse interval ${REUSE_MS} ms)`,
    );

    expect(statuses).toEqual({ 200: RACERS });
    // Exactly one rotation: the first token spent, one successor, both in the database.
    expect(rows).toHaveLength(2);
    expect(rows.filter((r) => r.spent_at !== null).map((r) => r.token_hash)).toEqual([
      sha256(first.refreshToken),
    ]);
    expect(total('rotated')).toBe(1);
    // Every racer got the same bytes, naming the one unspent token.
    expect(new Set(answers.map((a) => a.text)).size).toBe(1);
    const current = JSON.parse(answers[0]!.text) as { refreshToken: string };
    expect(rows.find((r) => r.spent_at === null)?.token_hash).toBe(sha256(current.refreshToken));
    // No revocation, and every process answered some racers from the grace rule.
    expect(family.revoked_at).toBeNull();
    expect(total('reuse-detected') + total('revoked')).toBe(0);
    expect(total('replayed')).toBe(RACERS - 1);
    expect(perProcess.every((counts) => (counts.replayed ?? 0) > 0)).toBe(true);
  }, 60_000);
});
