/**
 * The proxy section of `npm run bench`: requests/s and latency added by each proxy on keep-alive loopback,
 * every server in its own process, measured in one run and compared as ratios (rounds rotate the order so
 * drift in machine load hits every system alike).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { type LoadResult, load, loadTool } from './load.js';

const SERVERS = fileURLToPath(new URL('./servers.ts', import.meta.url));

interface Running {
  port: number;
  child: ChildProcess;
}

function start(kind: string, upstreamPort = 0, rules = 0): Promise<Running> {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', SERVERS, kind, '0', String(upstreamPort), String(rules)],
    {
      // stderr is kept, not shown: mockttp reports every connection the load tool drops when it stops.
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let errors = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    errors = (errors + chunk.toString()).slice(-2000);
  });
  return new Promise((resolve, reject) => {
    const lines = createInterface({ input: child.stdout as NodeJS.ReadableStream });
    lines.once('line', (line) => {
      const port = Number(/^ready (\d+)/.exec(line)?.[1]);
      if (port) resolve({ port, child });
      else reject(new Error(`${kind} said: ${line}`));
    });
    child.once('exit', (code) => reject(new Error(`${kind} exited with ${code}: ${errors}`)));
  });
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;

export async function proxyBench(quick: boolean) {
  const upstream = await start('upstream');
  const systems: Array<{ name: string; server?: Running }> = [{ name: 'direct' }];
  const children: ChildProcess[] = [upstream.child];
  try {
    for (const [name, kind, rules] of [
      ['bare node:http passthrough', 'bare', 0],
      ['@expiryproof/proxy, 0 rules', 'expiryproof', 0],
      ['@expiryproof/proxy, 20 rules', 'expiryproof', 20],
      ['mockttp passthrough', 'mockttp', 0],
    ] as const) {
      const server = await start(kind, upstream.port, rules);
      children.push(server.child);
      systems.push({ name, server });
    }
    const url = (s: (typeof systems)[number]) => `http://127.0.0.1:${s.server?.port ?? upstream.port}/bench`;
    for (const system of systems) await load(url(system), 1); // warm-up: JIT, connection pools
    const seconds = quick ? 2 : 5;
    const rounds = quick ? 2 : 4;
    const results = new Map<string, LoadResult[]>(systems.map((s) => [s.name, []]));
    for (let round = 0; round < rounds; round++) {
      const order = round % 2 === 0 ? systems : [...systems].reverse();
      for (const system of order) results.get(system.name)?.push(await load(url(system), seconds));
    }
    const perRound = (name: string) => results.get(name) as LoadResult[];
    const ratio = (a: string, b: string) =>
      median(perRound(a).map((r, i) => r.rps / (perRound(b)[i] as LoadResult).rps));
    const direct = perRound('direct');
    const rows = systems.map(({ name }) => {
      const runs = perRound(name);
      return {
        system: name,
        'req/s (median)': Math.round(median(runs.map((r) => r.rps))),
        'p50 ms': median(runs.map((r) => r.p50)).toFixed(2),
        'p99 ms': median(runs.map((r) => r.p99)).toFixed(2),
        'added p50 ms':
          name === 'direct'
            ? '-'
            : (median(runs.map((r) => r.p50)) - median(direct.map((r) => r.p50))).toFixed(2),
        'added p99 ms':
          name === 'direct'
            ? '-'
            : (median(runs.map((r) => r.p99)) - median(direct.map((r) => r.p99))).toFixed(2),
      };
    });
    const ours = '@expiryproof/proxy, 20 rules';
    const ratios = {
      'ours (20 rules) / bare passthrough': ratio(ours, 'bare node:http passthrough').toFixed(3),
      'ours (0 rules) / bare passthrough': ratio(
        '@expiryproof/proxy, 0 rules',
        'bare node:http passthrough',
      ).toFixed(3),
      'ours (20 rules) / mockttp': ratio(ours, 'mockttp passthrough').toFixed(2),
      targets: '>= 0.9 and >= 4',
    };
    return { tool: loadTool, seconds, rounds, rows, ratios };
  } finally {
    for (const child of children) child.kill();
  }
}
