import { existsSync } from 'node:fs';
import type { LaunchOptions } from '@playwright/test';
import { chromium } from '@playwright/test';

/** Flags without which the system Chromium stalls on a closed network (it keeps calling home). */
export const QUIET_CHROMIUM_FLAGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

const SYSTEM_CHROMIUM = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'];

/**
 * Launch options for Chromium: a browser Playwright installed itself wins; otherwise the system's
 * (CHROMIUM_PATH, then the usual paths), with the flags a sandboxed, offline machine needs.
 */
export function chromiumLaunchOptions(): LaunchOptions {
  const own = (() => {
    try {
      return chromium.executablePath();
    } catch {
      return undefined;
    }
  })();
  if (own && existsSync(own) && !process.env.CHROMIUM_PATH) return {};
  const system = [process.env.CHROMIUM_PATH, ...SYSTEM_CHROMIUM].find((path) => path && existsSync(path));
  if (!system) {
    throw new Error(
      'No Chromium found: run `npx playwright install chromium`, install the system chromium, or set CHROMIUM_PATH',
    );
  }
  return { executablePath: system, args: QUIET_CHROMIUM_FLAGS };
}
