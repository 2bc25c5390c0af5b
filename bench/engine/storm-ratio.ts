import type { AuthProcess } from '@expiryproof/auth-server';
import { abba, median, ratioSummary } from '../stats.js';
import { type MakePeer, storm } from './storms.js';

/** Issue #12: the engine must cost at most this much of the hand-written pattern on the same transport. */
export const STORM_TARGET = 1.05;

/**
 * The 10,000-request storm through `@expiryproof/axios` against the tutorial's shared-promise interceptor,
 * both on the same axios instance setup and HTTP agent, in ABBA rounds: the per-round ratio of wall times
 * is what the target is about; the ratio of client CPU times is shown beside it.
 */
export async function stormRatio(
  server: AuthProcess,
  engine: MakePeer,
  pattern: MakePeer,
  n: number,
  rounds: number,
) {
  // Unmeasured, full size: in a fresh process the first storms of either side also pay for compiling
  // their code paths and opening the agent's sockets.
  await storm(server, engine, n);
  await storm(server, pattern, n);
  const pairs = await abba(
    rounds,
    () => storm(server, engine, n),
    () => storm(server, pattern, n),
  );
  const wall = ratioSummary(pairs.map(({ a, b }) => a.ms / b.ms));
  const cpu = ratioSummary(pairs.map(({ a, b }) => a['client CPU ms'] / b['client CPU ms']));
  const failed = pairs.flatMap(({ a, b }) => [a, b]).filter((r) => !r.succeeded.startsWith(`${n}/`));
  return {
    rows: pairs.map(({ a, b }, round) => ({
      round: round + 1,
      [`${a.client} ms`]: a.ms,
      [`${b.client} ms`]: b.ms,
      'wall ratio': (a.ms / b.ms).toFixed(3),
      'client CPU ratio': (a['client CPU ms'] / b['client CPU ms']).toFixed(3),
      'refresh calls': `${a['refresh calls']} / ${b['refresh calls']}`,
      succeeded: `${a.succeeded} / ${b.succeeded}`,
    })),
    summary: {
      'storm size': n,
      rounds,
      'engine median ms': median(pairs.map(({ a }) => a.ms)),
      'pattern median ms': median(pairs.map(({ b }) => b.ms)),
      'wall ratio: median': wall.median.toFixed(3),
      'middle half': `${wall.q1.toFixed(3)}..${wall.q3.toFixed(3)}`,
      'lowest..highest': `${wall.lowest.toFixed(3)}..${wall.highest.toFixed(3)}`,
      'client CPU ratio: median': cpu.median.toFixed(3),
      target: `<= ${STORM_TARGET}`,
      met: wall.median <= STORM_TARGET ? 'yes' : 'NO',
      'incomplete storms': failed.length,
    },
    wall,
    cpu,
  };
}
