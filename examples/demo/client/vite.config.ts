import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const src = (pkg: string) => fileURLToPath(new URL(`../../../packages/${pkg}/src/index.ts`, import.meta.url));

// The demo builds against the packages' sources, so it always shows the code in this checkout.
export default defineConfig({
  resolve: {
    alias: {
      // Before the package's root: a bare-name alias would also rewrite its subpaths.
      '@expiryproof/core/reauth': fileURLToPath(
        new URL('../../../packages/core/src/reauth-controller.ts', import.meta.url),
      ),
      '@expiryproof/core': src('core'),
      '@expiryproof/react': src('react'),
    },
  },
  esbuild: { jsx: 'automatic' },
  build: { outDir: 'dist', emptyOutDir: true, sourcemap: true },
});
