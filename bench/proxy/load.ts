import { execFile, spawnSync } from 'node:child_process';
import { promisify } from 'node:util';
import autocannon from 'autocannon';

export interface LoadResult {
  rps: number;
  /** Requests completed. */
  total: number;
  p50: number;
  p99: number;
}

const run = promisify(execFile);
export const loadTool = spawnSync('wrk', ['--version']).error ? 'autocannon' : 'wrk';

/**
 * Keep-alive load on `url` for `seconds`: wrk when installed (C, leaves the cores to the servers), else
 * autocannon. Latencies in ms.
 */
export async function load(url: string, seconds: number, connections = 50): Promise<LoadResult> {
  const headers = { authorization: 'Bearer bench-access-token-0123456789abcdef' };
  if (loadTool === 'wrk') {
    const { stdout } = await run('wrk', [
      '-t2',
      `-c${connections}`,
      `-d${seconds}s`,
      '--latency',
      '-H',
      `Authorization: ${headers.authorization}`,
      url,
    ]);
    return {
      rps: Number(/Requests\/sec:\s+([\d.]+)/.exec(stdout)?.[1]),
      total: Number(/(\d+) requests in/.exec(stdout)?.[1]),
      p50: wrkMs(stdout, '50%'),
      p99: wrkMs(stdout, '99%'),
    };
  }
  const result = await autocannon({ url, connections, duration: seconds, headers });
  return {
    rps: result.requests.average,
    total: result.requests.total,
    p50: result.latency.p50,
    p99: result.latency.p99,
  };
}

function wrkMs(output: string, percentile: string): number {
  const [, value = '0', unit = 'ms'] = new RegExp(`${percentile}\\s+([\\d.]+)(us|ms|s)`).exec(output) ?? [];
  return Number(value) * (unit === 'us' ? 0.001 : unit === 's' ? 1000 : 1);
}
