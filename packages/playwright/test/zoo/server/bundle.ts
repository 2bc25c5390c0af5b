import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

let bundle: Promise<string> | undefined;

/**
 * The zoo's browser client (client/main.ts with axios), bundled once per process and served by every app:
 * each page tells it, through `window.ZOO`, which client and server shape it is.
 */
export function zooClientBundle(): Promise<string> {
  bundle ??= build({
    entryPoints: [fileURLToPath(new URL('../client/main.ts', import.meta.url))],
    bundle: true,
    format: 'iife',
    platform: 'browser',
    target: 'es2022',
    minify: true,
    write: false,
    logLevel: 'silent',
    legalComments: 'none',
  }).then((result) => {
    const file = result.outputFiles[0];
    if (!file) throw new Error('esbuild produced no client bundle');
    return file.text;
  });
  return bundle;
}
