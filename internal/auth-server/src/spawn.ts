import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The auth server in its own process, steered over HTTP: client and server do not share an event loop
 * (benchmarks), and the server is untouched by whatever globals a test environment (jsdom) installs.
 */
export async function spawnAuthServer() {
  // From the string form: under jsdom the global URL class is not Node's.
  const cli = join(dirname(fileURLToPath(import.meta.url)), 'cli.ts');
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', cli], {
    stdio: ['ignore', 'pipe', 'inherit'],
    env: { ...process.env, ACCESS_TTL_MS: '600000' },
  });
  const [chunk] = (await once(child.stdout!, 'data')) as [Buffer];
  const origin = chunk.toString().trim();
  const call = async (path: string, body: unknown = {}) => {
    const res = await fetch(`${origin}/__control/${path}`, { method: 'POST', body: JSON.stringify(body) });
    return res.json() as Promise<Record<string, number>>;
  };
  return {
    origin,
    stats: () => call('stats'),
    expire: () => call('expire'),
    revoke: () => call('revoke'),
    log: async () =>
      (await fetch(`${origin}/__control/log`)).json() as Promise<Array<{ path: string; status: number }>>,
    reset: () => call('reset'),
    configure: (body: Record<string, unknown>) => call('faults', body),
    async login() {
      const res = await fetch(`${origin}/auth/login`, {
        method: 'POST',
        body: JSON.stringify({ email: 'demo@example.com', password: 'demo-password' }),
      });
      return (await res.json()) as { accessToken: string; refreshToken: string };
    },
    stop() {
      child.kill('SIGTERM');
    },
  };
}

export type AuthProcess = Awaited<ReturnType<typeof spawnAuthServer>>;
