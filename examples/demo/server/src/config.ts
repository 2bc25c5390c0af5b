/** The demo server's settings, read from the environment. */
export interface DemoConfig {
  host: string;
  port: number;
  /** Access-token lifetime in ms (`ACCESS_TTL`, e.g. `30s`, `15m`, `500ms`; a bare number is seconds). */
  accessTtlMs: number;
  /** Refresh-token lifetime in ms (`REFRESH_TTL`). */
  refreshTtlMs: number;
  /**
   * How long a rotated refresh token presented again gets the family's current tokens instead of a logout
   * (`REUSE_INTERVAL`, @expiryproof/server's grace rule). Default `0`: strict, so the lazy client's race shows.
   */
  reuseIntervalMs: number;
  /** `DEMO_DEBUG=1` enables /api/debug/*. Never on by default. */
  debug: boolean;
  /** SQLite file (`DEMO_DB`); `:memory:` keeps nothing between runs. */
  dbFile: string;
  /** Where the built client is; unset serves the API only. */
  clientDir: string | undefined;
}

const UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** Parses `30s`, `15m`, `500ms`, `2h`; a bare number is seconds. */
export function parseDuration(text: string, name: string): number {
  const match = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)?\s*$/.exec(text);
  if (!match) throw new Error(`${name} must look like 30s, 15m, 500ms or 2h (got ${JSON.stringify(text)})`);
  return Math.round(Number(match[1]) * UNITS[match[2] ?? 's']!);
}

export function configFromEnv(env: NodeJS.ProcessEnv, clientDir?: string): DemoConfig {
  const port = Number(env.PORT ?? 3000);
  if (!Number.isInteger(port) || port < 0 || port > 65_535)
    throw new Error(`PORT must be a port number (got ${env.PORT})`);
  return {
    host: env.HOST ?? '127.0.0.1',
    port,
    accessTtlMs: parseDuration(env.ACCESS_TTL ?? '5m', 'ACCESS_TTL'),
    refreshTtlMs: parseDuration(env.REFRESH_TTL ?? '14d', 'REFRESH_TTL'),
    reuseIntervalMs: parseDuration(env.REUSE_INTERVAL ?? '0', 'REUSE_INTERVAL'),
    debug: env.DEMO_DEBUG === '1',
    dbFile: env.DEMO_DB ?? ':memory:',
    clientDir,
  };
}
