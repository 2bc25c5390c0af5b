import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { CheckConfigError } from './errors.js';
import type { CheckConfig } from './types.js';
import { validateConfig } from './validate.js';

const CANDIDATES = [
  'expiryproof.config.ts',
  'expiryproof.config.mts',
  'expiryproof.config.js',
  'expiryproof.config.mjs',
  'expiryproof.config.json',
];

/** Imports a TypeScript module: tsx's `tsImport`, or Node's own type stripping. */
export type TypeScriptImporter = (fileUrl: string) => Promise<unknown>;

/** How a config is loaded; tests set what a machine without tsx looks like. */
export interface LoadConfigOptions {
  /** Where relative paths and expiryproof.config.* are looked for. Default `process.cwd()`. */
  cwd?: string;
  /**
   * The TypeScript importer, or undefined when none is installed. Default: tsx, found from the config's
   * folder first (the user's project), then from this package; else Node's own type stripping where this
   * Node has it on (22.18+, 23.6+).
   */
  findTypeScriptImporter?: () => Promise<TypeScriptImporter | undefined>;
}

/** Loads a config file (TypeScript, JavaScript or JSON); without a path, looks for expiryproof.config.* in `cwd`. */
export async function loadConfig(
  path: string | undefined,
  options: LoadConfigOptions = {},
): Promise<CheckConfig> {
  const cwd = options.cwd ?? process.cwd();
  const file = path
    ? resolve(cwd, path)
    : CANDIDATES.map((name) => resolve(cwd, name)).find((f) => existsSync(f));
  if (!file || !existsSync(file)) {
    throw new CheckConfigError(
      path ? `No config at ${file}` : `No ${CANDIDATES.join(', ')} in ${cwd}; pass --config`,
    );
  }
  let loaded: unknown;
  if (file.endsWith('.json')) {
    const { readFile } = await import('node:fs/promises');
    try {
      loaded = JSON.parse(await readFile(file, 'utf8'));
    } catch (error) {
      throw new CheckConfigError(`${file} is not valid JSON: ${(error as Error).message}`);
    }
  } else if (/\.[mc]?ts$/.test(file)) {
    const find = options.findTypeScriptImporter ?? (() => findTypeScriptImporter(file));
    const importer = await find();
    if (!importer) {
      throw new CheckConfigError(
        `${file} is TypeScript, and nothing here can load it: install tsx next to it (npm i -D tsx), run on Node 22.18 or later (it strips types itself), or write the config as expiryproof.config.mjs or .json`,
      );
    }
    loaded = await importer(pathToFileURL(file).href);
  } else {
    loaded = await import(pathToFileURL(file).href);
  }
  const module = loaded as { default?: unknown };
  let value = module.default ?? loaded;
  // `export default` through tsx's CommonJS interop can be nested once more.
  if (value && typeof value === 'object' && 'default' in value && !('baseURL' in value))
    value = (value as { default: unknown }).default;
  return validateConfig(value, file);
}

/** tsx is an optional peer: JSON and JavaScript configs need nothing, so it is not in every install. */
async function findTypeScriptImporter(file: string): Promise<TypeScriptImporter | undefined> {
  for (const from of [join(dirname(file), 'noop.js'), import.meta.url]) {
    const api = tsxEsmApi(from);
    if (!api) continue;
    const { tsImport } = (await import(pathToFileURL(api).href)) as {
      tsImport: (url: string, parent: string) => Promise<unknown>;
    };
    return (url) => tsImport(url, import.meta.url);
  }
  // Node with type stripping on by default imports a .ts file as it is.
  const features = process.features as { typescript?: string | false };
  if (features.typescript) return (url) => import(url);
  return undefined;
}

/**
 * The ES module file of `tsx/esm/api` as seen from `from`, or undefined. `require.resolve` would give the
 * CommonJS build, so the package's own `exports` name the ESM one.
 */
function tsxEsmApi(from: string): string | undefined {
  try {
    const manifest = createRequire(from).resolve('tsx/package.json');
    const exports = JSON.parse(readFileSync(manifest, 'utf8')).exports?.['./esm/api'];
    const target: unknown = exports?.import?.default ?? exports?.import ?? exports?.default;
    return typeof target === 'string' ? join(dirname(manifest), target) : undefined;
  } catch {
    return undefined;
  }
}
