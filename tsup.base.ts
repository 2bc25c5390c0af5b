import { defineConfig } from 'tsup';

/** The build every published package shares: ESM + CJS with types, peers left external. */
export function packageBuild(external: string[] = []) {
  return defineConfig({
    entry: ['src/index.ts'],
    format: ['esm', 'cjs'],
    // tsup's declaration build sets options TypeScript 6 deprecates; composite is for `tsc -b` only.
    dts: { compilerOptions: { composite: false, declarationMap: false, ignoreDeprecations: '6.0' } },
    clean: true,
    // No source maps: the output is readable, unminified ES2022, so stack traces already point at real code,
    // and maps were over half of every tarball.
    sourcemap: false,
    target: 'es2022',
    external,
  });
}
