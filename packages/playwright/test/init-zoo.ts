/**
 * Shared by the init tests: a zoo app with its third party, and a scratch directory where a generated config
 * can import '@expiryproof/playwright/check' (its node_modules is the repository's).
 */
import { mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { CheckConfig } from '../src/check.js';
import { loadConfig } from '../src/check.js';
import { zooApp } from './zoo/apps.js';
import { startThirdParty, startZooApp, type ThirdParty, type ZooServer } from './zoo/server/index.js';

const REPO_MODULES = fileURLToPath(new URL('../../../node_modules', import.meta.url));

/**
 * A fresh directory whose configs resolve the package as a user's project would. Made on first use: a suite
 * that a `-t` filter skips still runs its body, but never its afterAll, so an eager one would be left behind.
 */
export function scratchDir(): { readonly dir: string; remove(): void } {
  let made: string | undefined;
  return {
    get dir() {
      if (!made) {
        made = mkdtempSync(join(tmpdir(), 'expiryproof-init-'));
        symlinkSync(REPO_MODULES, join(made, 'node_modules'), 'dir');
      }
      return made;
    },
    remove: () => {
      if (made) rmSync(made, { recursive: true, force: true });
    },
  };
}

/** Runs `fn` with a zoo app (ordinary token lifetime) and its third party up, and stops both after. */
export async function withZoo<T>(
  name: string,
  fn: (zoo: ZooServer, third: ThirdParty) => Promise<T>,
): Promise<T> {
  const third = await startThirdParty();
  const zoo = await startZooApp(zooApp(name), { accessTtlMs: 300_000, thirdPartyOrigin: third.origin });
  try {
    return await fn(zoo, third);
  } finally {
    await Promise.all([zoo.close(), third.close()]);
  }
}

/** Loads a generated config the way `expiryproof check` does, with the password in the environment. */
export async function loadWithPassword(file: string, password: string): Promise<CheckConfig> {
  const before = process.env.EXPIRYPROOF_PASSWORD;
  process.env.EXPIRYPROOF_PASSWORD = password;
  try {
    return await loadConfig(file);
  } finally {
    if (before === undefined) delete process.env.EXPIRYPROOF_PASSWORD;
    else process.env.EXPIRYPROOF_PASSWORD = before;
  }
}
