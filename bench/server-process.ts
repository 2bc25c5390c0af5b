import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';

/** The auth server in its own process, so client and server do not share one event loop. */
export async function spawnAuthServer() {
  const cli = fileURLToPath(new URL('../internal/auth-server/src/cli.ts', import.meta.url));
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
