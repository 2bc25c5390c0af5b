import { mkdtempSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'vite';
import { buildApp } from '../../../examples/demo/server/src/app.js';

const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));

/**
 * Builds the fixture bundle (the demo's pages with every client: resilient, lazy and the broken tutorial
 * ones) and serves it from a real demo server on 127.0.0.1.
 */
export async function startAuditTarget() {
  const outDir = mkdtempSync(join(tmpdir(), 'expiryproof-fixtures-'));
  await build({
    root: here('./fixtures/broken-clients'),
    configFile: false,
    logLevel: 'silent',
    esbuild: { jsx: 'automatic' },
    resolve: {
      alias: {
        // Before the package's root: a bare-name alias would also rewrite its subpaths.
        '@expiryproof/core/reauth': here('../../core/src/reauth-controller.ts'),
        '@expiryproof/core': here('../../core/src/index.ts'),
        '@expiryproof/react': here('../../react/src/index.ts'),
      },
    },
    build: { outDir, emptyOutDir: true },
  });
  const { app } = await buildApp({
    host: '127.0.0.1',
    port: 0,
    accessTtlMs: 300_000,
    refreshTtlMs: 86_400_000,
    reuseIntervalMs: 0,
    debug: false,
    dbFile: ':memory:',
    clientDir: outDir,
  });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const origin = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  return { origin, close: () => app.close() };
}
