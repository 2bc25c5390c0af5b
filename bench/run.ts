/**
 * `npm run bench`: what happens to each client when tokens expire under load, measured in one run
 * against the same real server (in its own process), plus the storm ratio against the hand-written
 * pattern, hot-path cost and package sizes. Figures are compared within the run (ratios, ABBA rounds);
 * absolute numbers vary with the machine.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { Agent as HttpAgent } from 'node:http';
import { fileURLToPath } from 'node:url';
import { spawnAuthServer } from '@expiryproof/auth-server';
import { Agent, setGlobalDispatcher } from 'undici';
import { HOT_PATH_TARGET, hotPath } from './engine/hot-path.js';
import { profileStorms } from './engine/profile-storm.js';
import { sizeReport } from './engine/size-report.js';
import { stormRatio } from './engine/storm-ratio.js';
import { type MakePeer, persistent401, storm, tokenLeak } from './engine/storms.js';
import { axiosAuthRefresh } from './peers/axios-auth-refresh.js';
import { expiryproofAxios, expiryproofFetch } from './peers/expiryproof.js';
import { naiveRetry, sharedPromise } from './peers/tutorial-interceptors.js';
import { proxyBench } from './proxy/run-proxy-bench.js';
import { serverBench } from './server/run-server-bench.js';
import { printTable } from './table.js';

const quick = process.argv.includes('--quick');
const only = process.argv.find((arg) => arg.startsWith('--only='))?.slice(7);
const wanted = (section: string) => !only || only === section;
// Every fetch-based client shares Node's fetch with a bounded pool, as axios clients share one agent.
const dispatcher = new Agent({ connections: 128 });
setGlobalDispatcher(dispatcher);
const transport: typeof fetch = (input, init) => fetch(input, init);
const agent = new HttpAgent({ keepAlive: true, maxSockets: 128 });

const engineAxios: MakePeer = (s) => expiryproofAxios(s, transport, agent);
const sharedPromiseAxios: MakePeer = (s) => sharedPromise(s, agent);
const peers: MakePeer[] = [
  (s) => expiryproofFetch(s, transport),
  engineAxios,
  (s) => axiosAuthRefresh(s, agent),
  (s) => naiveRetry(s, agent),
  sharedPromiseAxios,
];

async function main() {
  const server = await spawnAuthServer();
  const results: Record<string, unknown> = {};
  try {
    const storms: Array<[string, number, number]> = [
      ['50 concurrent expired requests', 50, 0],
      ['50 expired requests whose 401s arrive over 200 ms', 50, 200],
      [`${quick ? 2_000 : 10_000} concurrent expired requests`, quick ? 2_000 : 10_000, 0],
    ];
    for (const [label, n, spread] of wanted('storms') ? storms : []) {
      const rows = [];
      for (const make of peers) rows.push(await storm(server, make, n, spread));
      printTable(`Storm: ${label}`, rows);
      results[label] = rows;
    }
    if (wanted('safety')) {
      const loops = [];
      for (const make of peers) loops.push(await persistent401(server, make, 2_000));
      printTable('Server keeps answering 401 (2 s window)', loops);
      results.persistent401 = loops;
      const leaks = [];
      for (const make of peers) leaks.push(await tokenLeak(server, make));
      printTable('Bearer token and third-party origins', leaks);
      results.tokenLeak = leaks;
    }
    if (wanted('storm-ratio')) {
      const n = quick ? 2_000 : 10_000;
      const ratio = await stormRatio(server, engineAxios, sharedPromiseAxios, n, quick ? 2 : 6);
      printTable(
        `Storm ratio: ${n} expired requests, @expiryproof/axios vs the shared refresh promise (same axios transport, ABBA rounds)`,
        ratio.rows,
      );
      printTable(`Storm ratio (median of per-round ratios${quick ? '; --quick: indicative only' : ''})`, [
        ratio.summary,
      ]);
      results.stormRatio = ratio;
    }
    // Only when asked for: the profiler slows what it watches, so it never runs beside the measurements.
    if (only === 'profile') {
      const n = quick ? 2_000 : 10_000;
      const profile = await profileStorms(server, engineAxios, sharedPromiseAxios, n);
      for (const [side, { buckets, top }] of Object.entries(profile)) {
        printTable(`Profile of one ${n}-request storm, ${side}: client self time by where the code lives`, [
          buckets,
        ]);
        printTable(`Profile, ${side}: the functions with the most self time`, top);
      }
      results.profile = profile;
    }
    if (wanted('server')) {
      const rows = await serverBench();
      printTable(
        '@expiryproof/server: 32 clients refreshing their own families back to back (4 s after 1 s of warm-up), round-robin over the processes',
        rows,
      );
      results.server = rows;
    }
    if (wanted('hot')) {
      const hot = await hotPath(server, transport, quick);
      printTable(
        `Hot path on keep-alive loopback (valid token, 50 concurrent, ${hot.rounds} ABBA pairs of ${hot.block} requests${quick ? '; --quick: indicative only' : ''})`,
        [
          {
            'bare fetch req/s (median)': hot.bare,
            'session.fetch req/s (median)': hot.session,
            'session/bare per pair: median': hot.ratio.toFixed(3),
            'middle half': `${hot.q1.toFixed(3)}..${hot.q3.toFixed(3)}`,
            'lowest..highest': `${hot.lowest.toFixed(3)}..${hot.highest.toFixed(3)}`,
            target: `>= ${HOT_PATH_TARGET}`,
            met: hot.ratio >= HOT_PATH_TARGET ? 'yes' : 'NO',
            'client CPU µs/req bare..session': `${hot.bareCpuUs.toFixed(1)}..${hot.sessionCpuUs.toFixed(1)}`,
          },
        ],
      );
      results.hotPath = hot;
    }
    if (wanted('proxy')) {
      const proxy = await proxyBench(quick);
      printTable(
        `Chaos proxy on keep-alive loopback (${proxy.tool}, 50 connections, ${proxy.rounds} rounds of ${proxy.seconds} s, medians; every server in its own process)`,
        proxy.rows,
      );
      printTable('Chaos proxy ratios (median of per-round ratios, worst..best round)', [proxy.ratios]);
      results.proxy = proxy;
    }
  } finally {
    server.stop();
    agent.destroy();
    await dispatcher.close();
  }

  const root = (p: string) => fileURLToPath(new URL(`../${p}`, import.meta.url));
  const sizes = await sizeReport();
  printTable('Package size (esbuild, minified, gzip -9, peers external)', sizes);
  results.sizes = sizes;

  mkdirSync(root('.bench-out'), { recursive: true });
  writeFileSync(root('.bench-out/bench.json'), JSON.stringify(results, null, 2));
  console.log('\nWritten to .bench-out/bench.json');
}

await main();
