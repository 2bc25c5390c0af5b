import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

let bundle: Promise<string> | undefined;
let tabsBundle: Promise<string> | undefined;

/** Bundles one browser entry of client/ into an IIFE (aliases: package name → source file). */
function bundleEntry(entry: string, alias: Record<string, string> = {}): Promise<string> {
  return build({
    entryPoints: [fileURLToPath(new URL(`../client/${entry}`, import.meta.url))],
    bundle: true,
    format: 'iife',
    platform: 'browser',
    target: 'es2022',
    minify: true,
    write: false,
    logLevel: 'silent',
    legalComments: 'none',
    alias,
  }).then((result) => {
    const file = result.outputFiles[0];
    if (!file) throw new Error(`esbuild produced no bundle for client/${entry}`);
    return file.text;
  });
}

/**
 * The zoo's browser client (client/main.ts with axios), bundled once per process and served by every app:
 * each page tells it, through `window.ZOO`, which client and server shape it is.
 */
export function zooClientBundle(): Promise<string> {
  bundle ??= bundleEntry('main.ts');
  return bundle;
}

/**
 * The multi-tab apps' client (client/tabs.ts: axios for `tabs-independent`, our engine for
 * `tabs-expiryproof`), bundled once per process, with `@expiryproof/core` taken from its source.
 */
export function zooTabsBundle(): Promise<string> {
  tabsBundle ??= bundleEntry('tabs.ts', {
    '@expiryproof/core': fileURLToPath(new URL('../../../../core/src/index.ts', import.meta.url)),
  });
  return tabsBundle;
}
