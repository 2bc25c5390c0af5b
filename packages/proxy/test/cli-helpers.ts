import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { afterEach } from 'vitest';

// The command as `npx expiryproof-proxy` runs it: the bin entry, which loads the build (npm test builds first).
export const CLI = fileURLToPath(new URL('../bin/expiryproof-proxy.js', import.meta.url));

const children: ChildProcess[] = [];
afterEach(async () => {
  // SIGKILL after a grace period: a proxy stuck in a busy loop (what some tests guard against) never runs its
  // SIGTERM handler, and must not outlive the test.
  await Promise.all(
    children.splice(0).map(
      (child) =>
        new Promise<void>((resolve) => {
          if (child.exitCode !== null || child.signalCode !== null) return resolve();
          const kill = setTimeout(() => child.kill('SIGKILL'), 1000);
          child.once('exit', () => {
            clearTimeout(kill);
            resolve();
          });
          child.kill('SIGTERM');
        }),
    ),
  );
});

export interface Served {
  /** The proxy's URL. */
  url: string;
  /** The control API as `host:port`, for `--api`. */
  api: string;
  /** Every line of the start-up banner. */
  printed: string[];
}

/**
 * Starts `expiryproof-proxy` (on free loopback ports unless `args` say otherwise) and reads the addresses it
 * prints. Rejects with what it wrote to stderr when it exits instead.
 */
export async function serve(args: string[], env: NodeJS.ProcessEnv = {}): Promise<Served> {
  const defaults = [
    ...(args.includes('--listen') ? [] : ['--listen', '127.0.0.1:0']),
    ...(args.includes('--api') ? [] : ['--api', '127.0.0.1:0']),
  ];
  const child = spawn(process.execPath, [CLI, ...args, ...defaults], { env: { ...process.env, ...env } });
  children.push(child);
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const lines = createInterface({ input: child.stdout });
  const printed: string[] = [];
  return new Promise<Served>((resolve, reject) => {
    let url = '';
    let api = '';
    lines.on('line', (line) => {
      printed.push(line);
      url ||= /proxy on (http:\/\/[\d.:]+)/.exec(line)?.[1] ?? '';
      api ||= /control API\s+http:\/\/([\d.:]+)/.exec(line)?.[1] ?? '';
      // The start-up banner ends with the hint to arm a fault: only then has everything been printed.
      if (line.startsWith('Arm a fault:')) resolve({ url, api, printed });
    });
    child.once('exit', (code) => reject(new Error(`exited ${code}: ${stderr}`)));
  });
}

const run = (args: string[], env: NodeJS.ProcessEnv, timeout: number) =>
  new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
    execFile(
      process.execPath,
      [CLI, ...args],
      { env: { ...process.env, ...env }, timeout },
      (error, stdout, stderr) =>
        resolve({ code: error ? ((error as { code?: number }).code ?? null) : 0, stdout, stderr }),
    );
  });

/** Runs one command to completion (killed after `timeout` ms: `code` is then null). */
export function cli(args: string[], env: NodeJS.ProcessEnv = {}, timeout = 15_000) {
  return run(args, env, timeout);
}
