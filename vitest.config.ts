import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const src = (pkg: string) => fileURLToPath(new URL(`./packages/${pkg}/src/index.ts`, import.meta.url));

export default defineConfig({
  resolve: {
    alias: {
      // Before the package's root: a bare-name alias would also rewrite its subpaths.
      '@expiryproof/core/engine': fileURLToPath(new URL('./packages/core/src/engine.ts', import.meta.url)),
      '@expiryproof/core/reauth': fileURLToPath(
        new URL('./packages/core/src/reauth-controller.ts', import.meta.url),
      ),
      '@expiryproof/core/channel-locks': fileURLToPath(
        new URL('./packages/core/src/channel-locks.ts', import.meta.url),
      ),
      '@expiryproof/core': src('core'),
      '@expiryproof/axios': src('axios'),
      '@expiryproof/react': src('react'),
      '@expiryproof/vue': src('vue'),
      '@expiryproof/angular': src('angular'),
    },
  },
  test: {
    include: ['packages/*/test/**/*.test.{ts,tsx}', 'examples/*/server/test/**/*.test.ts'],
    reporters: ['default', './scripts/summary-reporter.ts'],
    testTimeout: 20_000,
    hookTimeout: 20_000,
  },
});
