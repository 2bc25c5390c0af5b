/**
 * Where a storm's client time goes: the 10,000-request storm through `@expiryproof/axios` and through the
 * hand-written shared-promise interceptor, each under the V8 CPU profiler (one warm-up storm first), with
 * the self time of every sampled function summed by where its code lives. `npm run bench -- --only=profile`.
 */
import { Session } from 'node:inspector/promises';
import type { AuthProcess } from '@expiryproof/auth-server';
import { type MakePeer, storm } from './storms.js';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string };
  hitCount?: number;
}

/** Buckets, first match wins: the engine and adapter, axios, Node's HTTP stack, the rest. */
const BUCKETS: Array<[string, (url: string, fn: string) => boolean]> = [
  ['@expiryproof/core', (url) => url.includes('/packages/core/')],
  ['@expiryproof/axios', (url) => url.includes('/packages/axios/')],
  ['bench peers (interceptors, storm loop)', (url) => url.includes('/bench/')],
  ['axios', (url) => url.includes('/node_modules/axios/')],
  [
    'node http / net / streams',
    (url) => /node:(_http|http|net|stream|internal\/(http|streams|stream_base|net))/.test(url),
  ],
  ['garbage collector', (_, fn) => fn === '(garbage collector)'],
  ['idle', (_, fn) => fn === '(idle)' || fn === '(program)'],
  ['other node internals', (url) => url.startsWith('node:')],
  ['native / V8', (url) => url === ''],
];

async function profiled(session: Session, run: () => Promise<unknown>) {
  await session.post('Profiler.start');
  await run();
  const { profile } = await session.post('Profiler.stop');
  const nodes = profile.nodes as ProfileNode[];
  const total = nodes.reduce((sum, n) => sum + (n.hitCount ?? 0), 0);
  const byBucket = new Map<string, number>();
  const byFunction = new Map<string, number>();
  for (const node of nodes) {
    const hits = node.hitCount ?? 0;
    if (!hits) continue;
    const { url, functionName } = node.callFrame;
    const bucket = BUCKETS.find(([, match]) => match(url, functionName))?.[0] ?? 'other';
    byBucket.set(bucket, (byBucket.get(bucket) ?? 0) + hits);
    const key = `${functionName || '(anonymous)'} ${url.replace(/^.*\/(node_modules|packages|bench)\//, '$1/')}`;
    byFunction.set(key, (byFunction.get(key) ?? 0) + hits);
  }
  const share = (hits: number) => `${((100 * hits) / total).toFixed(1)}%`;
  return {
    buckets: Object.fromEntries([...byBucket].sort((a, b) => b[1] - a[1]).map(([k, v]) => [k, share(v)])),
    top: [...byFunction]
      .sort((a, b) => b[1] - a[1])
      .slice(0, 12)
      .map(([k, v]) => ({ function: k, self: share(v) })),
  };
}

/** Profiles one storm of each client after a warm-up storm of each. */
export async function profileStorms(server: AuthProcess, engine: MakePeer, pattern: MakePeer, n: number) {
  await storm(server, engine, n);
  await storm(server, pattern, n);
  const session = new Session();
  session.connect();
  try {
    await session.post('Profiler.enable');
    await session.post('Profiler.setSamplingInterval', { interval: 200 });
    const engineProfile = await profiled(session, () => storm(server, engine, n));
    const patternProfile = await profiled(session, () => storm(server, pattern, n));
    return { engine: engineProfile, pattern: patternProfile };
  } finally {
    session.disconnect();
  }
}
