// Runs the auth server in its own process (benchmarks); prints its origin on stdout.
import { startAuthServer } from './http-server.js';

const server = await startAuthServer({
  accessTtlMs: Number(process.env.ACCESS_TTL_MS ?? 60_000),
  port: Number(process.env.PORT ?? 0),
});
process.stdout.write(`${server.origin}\n`);
process.on('SIGTERM', () => void server.close().then(() => process.exit(0)));
