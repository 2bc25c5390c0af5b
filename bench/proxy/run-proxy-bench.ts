/**
 * The proxy section of `npm run bench`: requests/s and latency added by each proxy on keep-alive loopback,
 * every server in its own process, measured in one run and compared as ratios (rounds rotate the order so
 * drift in machine load hits every system alike).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { createProxyClient } from '@expiryproof/proxy';
import { cpuSeconds } from './cpu.js';
import { type LoadResult, load, loadTool } from './load.js';
import { RULE_SETS, type RuleSetName } from './rules.js';

const SERVERS = fileURLToPath(new URL('./servers.ts', import.meta.url));

interface Running {
  port: number;
  /** The control API's port (expiryproof only). */
  apiPort: number | undefined;
  child: ChildProcess;
}

function start(kind: string, upstreamPort = 0): Promise<Running> {
  const child = spawn(process.execPath, ['--import', 'tsx', SERVERS, kind, '0', String(upstreamPort)], {
    // stderr is kept, not shown: mockttp reports every connection the load tool drops when it stops.
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let errors = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    errors = (errors + chunk.toString()).slice(-2000);
  });
  return new Promise((resolve, reject) => {
    const lines = createInterface({ input: child.stdout as NodeJS.ReadableStream });
    lines.once('line', (line) => {
      const [, port, apiPort] = /^ready (\d+)(?: (\d+))?/.exec(line) ?? [];
      if (port) resolve({ port: Number(port), apiPort: apiPort ? Number(apiPort) : undefined, child });
      else reject(new Error(`${kind} said: ${line}`));
    });
    child.once('exit', (code) => reject(new Error(`${kind} exited with ${code}: ${errors}`)));
  });
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;

/** One load run of one system, with the CPU its server process spent per request (µs; not on every OS). */
type Measured = LoadResult & { cpuUs: number | undefined };

/** Arms a rule set the way people do: through the control API, one `rules add` (POST /rules) per rule. */
async function arm(server: Running, set: RuleSetName): Promise<ReturnType<typeof createProxyClient>> {
  const client = createProxyClient({ url: `http://127.0.0.1:${server.apiPort}` });
  for (const rule of RULE_SETS[set]()) await client.rules.add(rule);
  return client;
}

const OURS_0 = '@expiryproof/proxy, 0 rules';
const OURS_USER = '@expiryproof/proxy, 20 user rules';
const OURS_MIXED = '@expiryproof/proxy, 20 mixed rules';
const BARE = 'bare node:http passthrough';
const MOCKTTP = 'mockttp passthrough';

export async function proxyBench(quick: boolean) {
  const upstream = await start('upstream');
  const systems: Array<{ name: string; server?: Running }> = [{ name: 'direct' }];
  const children: ChildProcess[] = [upstream.child];
  const armed: Array<ReturnType<typeof createProxyClient>> = [];
  try {
    for (const [name, kind, rules] of [
      [BARE, 'bare', undefined],
      [OURS_0, 'expiryproof', undefined],
      [OURS_USER, 'expiryproof', 'user'],
      [OURS_MIXED, 'expiryproof', 'mixed'],
      [MOCKTTP, 'mockttp', undefined],
    ] as const) {
      const server = await start(kind, upstream.port);
      children.push(server.child);
      if (rules) armed.push(await arm(server, rules));
      systems.push({ name, server });
    }
    const url = (s: (typeof systems)[number]) => `http://127.0.0.1:${s.server?.port ?? upstream.port}/bench`;
    for (const system of systems) await load(url(system), 1); // warm-up: JIT, connection pools
    // Run order: mockttp first, next to direct only. It is many times slower and still busy when its run ends,
    // which would tax whichever proxy ran next to it; direct's figures only serve the "added" columns.
    const mockttp = systems.find((s) => s.name === MOCKTTP);
    const ordered = mockttp ? [mockttp, ...systems.filter((s) => s !== mockttp)] : systems;
    // The rules must never fire, or the figures would measure their actions instead of their evaluation.
    for (const client of armed) {
      const fired = (await client.rules.list()).filter((rule) => rule.hits > 0);
      if (fired.length) throw new Error(`bench rules fired: ${fired.map((rule) => rule.id).join(', ')}`);
    }
    // On this project's two-core virtual machines one round can be off by a fifth and the median of four
    // rounds moved by ±0.1 from run to run (16 rounds of 2 s were no steadier); six rounds of 5 s it is.
    const seconds = quick ? 2 : 5;
    const rounds = quick ? 2 : 6;
    const results = new Map<string, Measured[]>(systems.map((s) => [s.name, []]));
    for (let round = 0; round < rounds; round++) {
      const order = round % 2 === 0 ? ordered : [...ordered].reverse();
      for (const system of order) {
        const pid = system.server?.child.pid;
        const before = cpuSeconds(pid);
        const result = await load(url(system), seconds);
        const after = cpuSeconds(pid);
        const cpuUs =
          before === undefined || after === undefined ? undefined : ((after - before) / result.total) * 1e6;
        results.get(system.name)?.push({ ...result, cpuUs });
      }
    }
    const perRound = (name: string) => results.get(name) as Measured[];
    /** Median of the per-round ratios a/b, with the worst and best round: how much the rounds agreed. */
    const spread = (ratios: number[], digits: number) =>
      ratios.some(Number.isNaN)
        ? '-'
        : `${median(ratios).toFixed(digits)} (${Math.min(...ratios).toFixed(digits)}..${Math.max(...ratios).toFixed(digits)})`;
    const ratio = (a: string, b: string, digits = 3) =>
      spread(
        perRound(a).map((r, i) => r.rps / (perRound(b)[i] as LoadResult).rps),
        digits,
      );
    // The same comparison by CPU time per request of each server process (b's over a's: higher is better, like
    // the throughput ratio), which other programs on the machine disturb less than throughput.
    const cpuRatio = (a: string, b: string) =>
      spread(
        perRound(a).map((r, i) => (perRound(b)[i]?.cpuUs ?? Number.NaN) / (r.cpuUs ?? Number.NaN)),
        3,
      );
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
        'CPU µs/req': runs.some((r) => r.cpuUs === undefined)
          ? '-'
          : median(runs.map((r) => r.cpuUs as number)).toFixed(1),
      };
    });
    const ratios = {
      'ours (20 user rules) / bare': ratio(OURS_USER, BARE),
      'ours (20 mixed rules) / bare': ratio(OURS_MIXED, BARE),
      'ours (0 rules) / bare': ratio(OURS_0, BARE),
      'ours (20 user rules) / mockttp': ratio(OURS_USER, MOCKTTP, 2),
      targets: '>= 0.9 (every 20-rule set) and >= 4',
      'by CPU/req: user / bare': cpuRatio(OURS_USER, BARE),
      'by CPU/req: mixed / bare': cpuRatio(OURS_MIXED, BARE),
      'by CPU/req: 0 rules / bare': cpuRatio(OURS_0, BARE),
    };
    return { tool: loadTool, seconds, rounds, rows, ratios };
  } finally {
    for (const child of children) child.kill();
  }
}
