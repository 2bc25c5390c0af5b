// Throwaway database servers for the store tests: a PostgreSQL cluster (initdb into a temporary directory)
// and a redis-server, each on 127.0.0.1 and a free port, with nothing persisted. Missing binaries are an
// error that says what to install: these tests never skip.
import { type ChildProcess, spawn } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A running server; `stop()` ends it and removes its files. */
export interface DbServer {
  /** `postgres://…` or `redis://…`, on 127.0.0.1. */
  url: string;
  port: number;
  /** How long it took from spawning to accepting connections (for PostgreSQL: initdb included), ms. */
  startupMs: number;
  stop(): Promise<void>;
}

const INSTALL = "as root, 'bash scripts/ensure-system-tools.sh --tests' does that";
const STARTUP_TIMEOUT_MS = 15_000;

/** A TCP port nobody listens on right now. */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const address = server.address();
  await new Promise((resolve) => server.close(resolve));
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

/** The directory holding initdb and postgres: `EP_PG_BIN`, Debian's newest, or the PATH's. */
function postgresBin(): string {
  const candidates = [process.env.EP_PG_BIN];
  const debian = '/usr/lib/postgresql';
  if (existsSync(debian))
    for (const version of readdirSync(debian).sort((a, b) => Number(b) - Number(a)))
      candidates.push(join(debian, version, 'bin'));
  candidates.push(...(process.env.PATH ?? '').split(':'));
  const found = candidates.find(
    (dir) => dir && existsSync(join(dir, 'initdb')) && existsSync(join(dir, 'postgres')),
  );
  if (!found)
    throw new Error(
      `PostgreSQL server binaries (initdb, postgres) not found: install PostgreSQL (Debian/Ubuntu: apt-get install postgresql; ${INSTALL}), or set EP_PG_BIN to the directory that holds them.`,
    );
  return found;
}

function redisBin(): string {
  const found = [
    process.env.EP_REDIS_SERVER,
    ...(process.env.PATH ?? '').split(':').map((d) => join(d, 'redis-server')),
  ]
    .filter((file): file is string => Boolean(file))
    .find((file) => existsSync(file));
  if (!found)
    throw new Error(
      `redis-server not found: install Redis (Debian/Ubuntu: apt-get install redis-server; ${INSTALL}), or set EP_REDIS_SERVER to its path.`,
    );
  return found;
}

/** PostgreSQL refuses to run as root: as root, run it as `nobody`. */
function unprivileged(): { uid: number; gid: number } | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const line = readFileSync('/etc/passwd', 'utf8')
    .split('\n')
    .find((entry) => entry.startsWith('nobody:'));
  const [, , uid, gid] = line?.split(':') ?? [];
  if (uid === undefined || gid === undefined)
    throw new Error('running as root, and there is no user nobody to run PostgreSQL as');
  return { uid: Number(uid), gid: Number(gid) };
}

/** The last 16 KB a child printed, for error messages. Reading its pipes also keeps them from filling up. */
function collect(child: ChildProcess): () => string {
  let output = '';
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-16_384);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  return () => output;
}

/** Runs a program to completion; rejects with its output on failure. */
async function run(
  file: string,
  args: string[],
  user: { uid: number; gid: number } | undefined,
  cwd: string,
) {
  const child = spawn(file, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'], ...user });
  const output = collect(child);
  const code = await new Promise<number | null>((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', resolve);
  });
  if (code !== 0) throw new Error(`${file} exited with ${code}:\n${output()}`);
}

/** Resolves once the child printed `ready`; rejects if it exits first or takes too long. */
async function waitFor(child: ChildProcess, ready: string, what: string): Promise<void> {
  const output = collect(child);
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(
      () => done(new Error(`${what} did not start in ${STARTUP_TIMEOUT_MS} ms:\n${output()}`)),
      STARTUP_TIMEOUT_MS,
    );
    const check = () => output().includes(ready) && done();
    const exited = (code: number | null) => done(new Error(`${what} exited with ${code}:\n${output()}`));
    function done(error?: Error) {
      clearTimeout(timer);
      child.stdout?.off('data', check);
      child.stderr?.off('data', check);
      child.off('exit', exited);
      child.off('error', done);
      if (error) reject(error);
      else resolve();
    }
    child.stdout?.on('data', check);
    child.stderr?.on('data', check);
    child.once('exit', exited);
    child.once('error', done);
  });
}

// Servers still running when this process exits (a crash, a timeout) are killed with it.
const running = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

/** Ends a server with `signal` (SIGKILL after 5 s) and removes its directory. */
function stopper(child: ChildProcess, signal: NodeJS.Signals, dir: string) {
  return async () => {
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill(signal);
      const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
      await exited;
      clearTimeout(timer);
    }
    running.delete(child);
    rmSync(dir, { recursive: true, force: true });
  };
}

/**
 * A throwaway PostgreSQL: `initdb` (trust authentication, no fsync) into a temporary directory, then
 * `postgres` on 127.0.0.1 with its Unix socket in that directory, fsync off. As root, both run as `nobody`.
 * Connect as user `postgres` to database `postgres`.
 */
export async function startPostgres(): Promise<DbServer> {
  const bin = postgresBin();
  const user = unprivileged();
  const started = performance.now();
  const dir = mkdtempSync(join(tmpdir(), 'ep-pg-'));
  if (user) chownSync(dir, user.uid, user.gid);
  const data = join(dir, 'data');
  try {
    await run(
      join(bin, 'initdb'),
      ['-D', data, '-U', 'postgres', '-A', 'trust', '-E', 'UTF8', '--locale=C', '--no-sync'],
      user,
      dir,
    );
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
  const port = await freePort();
  const child = spawn(
    join(bin, 'postgres'),
    [
      '-D',
      data,
      '-p',
      String(port),
      '-k',
      dir,
      '-F',
      '-c',
      'listen_addresses=127.0.0.1',
      '-c',
      'max_connections=200',
      '-c',
      'synchronous_commit=off',
      '-c',
      'full_page_writes=off',
    ],
    { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'], ...user },
  );
  running.add(child);
  // Fast shutdown (SIGINT): backends are ended, no checkpoint wait worth mentioning with fsync off.
  const stop = stopper(child, 'SIGINT', dir);
  try {
    await waitFor(child, 'database system is ready to accept connections', 'postgres');
  } catch (error) {
    await stop();
    throw error;
  }
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    port,
    startupMs: performance.now() - started,
    stop,
  };
}

/** A throwaway redis-server on 127.0.0.1: no RDB snapshots, no AOF, its working directory temporary. */
export async function startRedis(): Promise<DbServer> {
  const bin = redisBin();
  const started = performance.now();
  const dir = mkdtempSync(join(tmpdir(), 'ep-redis-'));
  const port = await freePort();
  const child = spawn(
    bin,
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir],
    { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  running.add(child);
  const stop = stopper(child, 'SIGTERM', dir);
  try {
    await waitFor(child, 'Ready to accept connections', 'redis-server');
  } catch (error) {
    await stop();
    throw error;
  }
  return { url: `redis://127.0.0.1:${port}`, port, startupMs: performance.now() - started, stop };
}
