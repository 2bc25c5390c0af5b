import { readFile, stat } from 'node:fs/promises';
import { ProxyConfigError } from '../errors.js';

/** The environment variable the CLI reads the control API key from. */
export const API_KEY_ENV = 'EXPIRYPROOF_PROXY_API_KEY';

/** A control API key, and where it came from (for the banner: never the key itself). */
export interface ApiKey {
  key: string;
  /** `EXPIRYPROOF_PROXY_API_KEY`, or the path of the key file. */
  source: string;
  fromFile: boolean;
}

/**
 * The control API key: from `--api-key-file <path>` (first), else from `EXPIRYPROOF_PROXY_API_KEY`. Never from
 * the command line, where `ps` shows it to every user of the machine: `--api-key` is refused with the way out.
 * @throws {ProxyConfigError} for `--api-key`, or a key file that cannot be read or holds no key
 */
export async function readApiKey(
  values: { 'api-key'?: string | undefined; 'api-key-file'?: string | undefined },
  env: NodeJS.ProcessEnv = process.env,
): Promise<ApiKey | undefined> {
  if (values['api-key'] !== undefined)
    throw new ProxyConfigError(
      `--api-key is not accepted: a key on the command line can be read by every user of this machine (ps). Put it in ${API_KEY_ENV}, or in a file passed with --api-key-file <path>`,
    );
  const file = values['api-key-file'];
  if (file === undefined) {
    const key = env[API_KEY_ENV]?.trim();
    return key ? { key, source: API_KEY_ENV, fromFile: false } : undefined;
  }
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'error';
    throw new ProxyConfigError(`--api-key-file: cannot read ${file} (${code})`, { cause: error });
  }
  const key = text.trim();
  if (!key) throw new ProxyConfigError(`--api-key-file: ${file} is empty; put the key in it, on one line`);
  if (/\s/.test(key))
    throw new ProxyConfigError(`--api-key-file: ${file} must hold the key alone, on one line`);
  await warnIfShared(file);
  return { key, source: file, fromFile: true };
}

/** A key file other users can read is a key they know: say so (as ssh does), but do not refuse it. */
async function warnIfShared(file: string): Promise<void> {
  if (process.platform === 'win32') return;
  const { mode } = await stat(file);
  if (mode & 0o077)
    console.error(
      `expiryproof-proxy: warning: ${file} can be read by other users of this machine (chmod 600 ${file})`,
    );
}
