// `npm run demo`: serves the demo app and prints where and how to sign in.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { buildApp } from './app.js';
import { configFromEnv } from './config.js';
import { DEMO_USER } from './db.js';

const clientDir = fileURLToPath(new URL('../../client/dist/', import.meta.url));
if (!existsSync(clientDir)) {
  console.error('The client is not built: run `npm run build -w @expiryproof/demo` (npm run demo does it).');
  process.exit(1);
}
const config = configFromEnv(process.env, clientDir);
const { app } = await buildApp(config);
const address = await app.listen({ host: config.host, port: config.port });

console.log(`expiryproof demo on ${address}
  resilient app: ${address}/login        lazy app: ${address}/lazy/login
  sign in with:  ${DEMO_USER.email} / ${DEMO_USER.password}
  access tokens live ${config.accessTtlMs / 1000} s (ACCESS_TTL)${config.debug ? '; debug routes on (/api/debug/*)' : ''}`);

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => void app.close().then(() => process.exit(0)));
}
