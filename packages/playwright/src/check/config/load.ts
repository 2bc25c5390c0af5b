import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
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

/** Loads a config file (TypeScript, JavaScript or JSON); without a path, looks for expiryproof.config.* in `cwd`. */
export async function loadConfig(path: string | undefined, cwd = process.cwd()): Promise<CheckConfig> {
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
    const { tsImport } = await import('tsx/esm/api');
    loaded = await tsImport(pathToFileURL(file).href, import.meta.url);
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
