/**
 * `npm run bench`: what happens to each client when tokens expire under load, measured in one run
 * against the same real server (in its own process), plus hot-path cost and package sizes.
 * Figures are compared within the run (ratios); absolute numbers vary with the machine.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { createServer, Agent as HttpAgent } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { type AuthProcess, spawnAuthServer } from '@expiryproof/auth-server';
import { createSession, HttpStatusError } from '@expiryproof/core';
import { Agent, setGlobalDispatcher } from 'undici';
import { axiosAuthRefresh } from './peers/axios-auth-refresh.js';
import { expiryproofAxios, expiryproofFetch } from './peers/expiryproof.js';
import { naiveRetry, sharedPromise } from './peers/tutorial-interceptors.js';
import type { Peer, PeerSetup } from './peers/types.js';
import { proxyBench } from './proxy/run-proxy-bench.js';
import { minGzSize } from './sizes.js';
import { printTable } from './table.js';

const quick = process.argv.includes('--quick');
const only = process.argv.find((arg) => arg.startsWith('--only='))?.slice(7);
const wanted = (section: string) => !only || only === section;
// Every fetch-based client shares Node's fetch with a bounded pool, as axios clients share one agent.
const dispatcher = new Agent({ connections: 128 });
setGlobalDispatcher(dispatcher);
const transport: typeof fetch = (input, init) => fetch(input, init);
const agent = new HttpAgent({ keepAlive: true, maxSockets: 128 });

const peers: Array<(setup: PeerSetup) => Peer> = [
  (s) => expiryproofFetch(s, transport),
  (s) => expiryproofAxios(s, transport, agent),
  (s) => axiosAuthRefresh(s, agent),
  (s) => naiveRetry(s, agent),
  (s) => sharedPromise(s, agent),
];

async function freshPeer(server: AuthProcess, make: (setup: PeerSetup) => Peer) {
  await server.reset();
  return make({ origin: server.origin, tokens: await server.login() });
}

/** n requests at once, all carrying a token the server has just expired. `spread` ms staggers their 401s. */
async function storm(server: AuthProcess, make: (setup: PeerSetup) => Peer, n: number, spread = 0) {
  const peer = await freshPeer(server, make);
  await server.expire();
  const before = await server.stats();
  // One signal per request, as apps do: a single signal shared by 10,000 fetches costs undici seconds.
  const controllers = Array.from({ length: n }, () => new AbortController());
  const timer = setTimeout(() => {
    for (const controller of controllers) controller.abort();
  }, 30_000);
  const started = performance.now();
  const results = await Promise.all(
    controllers.map((controller, i) =>
      peer
        .get(`/api/data?i=${i}${spread ? `&delay=${Math.round((i * spread) / n)}` : ''}`, controller.signal)
        .catch(() => false),
    ),
  );
  const ms = performance.now() - started;
  clearTimeout(timer);
  const after = await server.stats();
  return {
    client: peer.name,
    succeeded: `${results.filter(Boolean).length}/${n}`,
    'refresh calls': after.refreshCalls! - before.refreshCalls!,
    'reuse detected': after.reuseDetected! - before.reuseDetected!,
    ms: Math.round(ms),
  };
}

/** One request against a server that answers 401 to everything, for `windowMs`: how many times is it sent? */
async function persistent401(server: AuthProcess, make: (setup: PeerSetup) => Peer, windowMs: number) {
  const peer = await freshPeer(server, make);
  await server.configure({ alwaysUnauthorized: true });
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), windowMs);
  const started = performance.now();
  const ok = await peer.get('/api/data', controller.signal).catch(() => false);
  const settledIn = performance.now() - started;
  clearTimeout(timer);
  const { apiCalls } = await server.stats();
  await server.configure({ alwaysUnauthorized: false });
  return {
    client: peer.name,
    'sends of one request': apiCalls!,
    outcome: ok
      ? 'success'
      : settledIn >= windowMs - 5
        ? `still looping at ${windowMs} ms (aborted)`
        : 'settled (401)',
  };
}

/** A request to another origin through the same client: does the bearer token go along? */
async function tokenLeak(server: AuthProcess, make: (setup: PeerSetup) => Peer) {
  let leaked = false;
  const thirdParty = createServer((req, res) => {
    leaked ||= Boolean(req.headers.authorization);
    res.end('{}');
  });
  await new Promise<void>((r) => thirdParty.listen(0, '127.0.0.1', r));
  const peer = await freshPeer(server, make);
  await peer.get(
    `http://localhost:${(thirdParty.address() as AddressInfo).port}/tracker`,
    AbortSignal.timeout(5_000),
  );
  thirdParty.close();
  return { client: peer.name, 'token sent to a third-party origin': leaked ? 'YES' : 'no' };
}

/** Requests per second through `get`, `concurrency` at a time. */
async function throughput(get: () => Promise<unknown>, total: number, concurrency = 50) {
  let issued = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (issued < total) {
        issued++;
        await get();
      }
    }),
  );
  return total / ((performance.now() - started) / 1000);
}

async function hotPath(server: AuthProcess) {
  await server.reset();
  const tokens = await server.login();
  const url = `${server.origin}/api/data`;
  const session = createSession({
    tokens,
    origins: [server.origin],
    fetch: transport,
    refresh: async () => {
      throw new HttpStatusError(401);
    },
  });
  const bare = async () =>
    (await transport(url, { headers: { authorization: `Bearer ${tokens.accessToken}` } })).arrayBuffer();
  const wrapped = async () => (await session.fetch(url)).arrayBuffer();
  await server.configure({ logging: false });
  const total = quick ? 3_000 : 10_000;
  await throughput(bare, 2_000);
  await throughput(wrapped, 2_000);
  const rounds: Array<{ bare: number; session: number }> = [];
  for (let round = 0; round < (quick ? 4 : 8); round++) {
    // ABBA order, so drift in machine load and GC debt from one side's round hit both sides alike.
    const first = round % 2 === 0;
    const a = await throughput(first ? bare : wrapped, total);
    const b = await throughput(first ? wrapped : bare, total);
    rounds.push(first ? { bare: a, session: b } : { bare: b, session: a });
  }
  await server.configure({ logging: true });
  const median = (xs: number[]) => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  const ratios = rounds.map((r) => r.session / r.bare);
  return {
    bare: Math.round(median(rounds.map((r) => r.bare))),
    session: Math.round(median(rounds.map((r) => r.session))),
    ratio: median([...ratios]),
    worst: Math.min(...ratios),
    best: Math.max(...ratios),
  };
}

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
    if (wanted('hot')) {
      const hot = await hotPath(server);
      printTable('Hot path on keep-alive loopback (valid token, 50 concurrent, ABBA rounds)', [
        {
          'bare fetch req/s (median)': hot.bare,
          'session.fetch req/s (median)': hot.session,
          'session/bare per round: median': hot.ratio.toFixed(3),
          'worst..best': `${hot.worst.toFixed(3)}..${hot.best.toFixed(3)}`,
          target: '>= 0.97',
        },
      ]);
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
  const core = await minGzSize(root('packages/core/src/index.ts'));
  const engine = await minGzSize(root('packages/core/src/engine.ts'));
  const axiosAdapter = await minGzSize(root('packages/axios/src/index.ts'), ['axios', '@expiryproof/core']);
  const react = await minGzSize(root('packages/react/src/index.ts'), [
    'react',
    'react/jsx-runtime',
    '@expiryproof/core',
  ]);
  const row = (name: string, size: { min: number; gz: number }, limit?: number) => ({
    package: name,
    'min bytes': size.min,
    'min+gz bytes': size.gz,
    target: limit ? `<= ${limit}` : '(none)',
    met: limit ? (size.gz <= limit ? 'yes' : 'NO') : '',
  });
  const sizes = [
    row('@expiryproof/core (with cross-tab + renewal)', core, 3072),
    row('@expiryproof/core/engine', engine, 3072),
    row('@expiryproof/axios', axiosAdapter, 819),
    row('@expiryproof/react', react),
  ];
  printTable('Package size (esbuild, minified, gzip -9, peers external)', sizes);
  results.sizes = sizes;

  mkdirSync(root('.bench-out'), { recursive: true });
  writeFileSync(root('.bench-out/bench.json'), JSON.stringify(results, null, 2));
  console.log('\nWritten to .bench-out/bench.json');
}

await main();
