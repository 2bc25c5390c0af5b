import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';

/** Minified + gzipped size of a package entry, its peers left out, as a bundler would ship it. */
export async function minGzSize(
  entry: string,
  external: string[] = [],
): Promise<{ min: number; gz: number }> {
  const result = await build({
    entryPoints: [entry],
    bundle: true,
    minify: true,
    format: 'esm',
    target: 'es2022',
    platform: 'browser',
    write: false,
    external,
    logLevel: 'silent',
  });
  const code = result.outputFiles[0]!.contents;
  return { min: code.byteLength, gz: gzipSync(code, { level: 9 }).byteLength };
}
