import type { Browser, BrowserContext } from '@playwright/test';
import { recordTraffic } from '../../traffic/record-traffic.js';
import { urlMatches } from '../../url-pattern.js';
import type { CheckConfig } from '../config/types.js';
import type { Credential } from '../discover/credential.js';
import { createCredentialFault } from '../fault/expire-credential.js';
import { loginPattern, networkQuiet } from './page-steps.js';

/** What a signed-in browser keeps (cookies and local storage), as Playwright saves it. */
export type SignedInState = Awaited<ReturnType<BrowserContext['storageState']>>;

/** Whether every scenario may start from one saved signed-in state instead of signing in again. */
export interface Reuse {
  reusable: boolean;
  /** Why, in a sentence for the report. */
  reason: string;
}

/**
 * Tries the saved state twice, each time in a new browser context that expires the credential and reloads:
 * the state is reusable only when the second context still refreshes and stays signed in after the first
 * refreshed with the same saved refresh token. A server that rotates refresh tokens with reuse detection
 * fails this (the second presentation revokes the session), and then every scenario signs in on its own.
 */
export async function probeReuse(
  browser: Browser,
  config: CheckConfig,
  state: SignedInState,
  landing: string,
  credential: Credential,
): Promise<Reuse> {
  const refreshed: boolean[] = [];
  for (const attempt of [1, 2]) {
    const context = await browser.newContext({ baseURL: config.baseURL, storageState: state });
    context.setDefaultTimeout(10_000);
    try {
      const page = await context.newPage();
      const traffic = recordTraffic(page, { refresh: config.refresh });
      await page.goto(landing);
      await networkQuiet(page, 400, 5_000);
      if (urlMatches(loginPattern(config), page.url()))
        return { reusable: false, reason: 'a new browser given the saved state lands on the login page' };
      const fault = createCredentialFault({
        context,
        credential,
        mode: 'stale',
        api: config.api,
        refresh: config.refresh,
        traffic,
      });
      await fault.expireNow();
      const from = fault.armedAt ?? 0;
      await page.reload();
      await networkQuiet(page, 400, 5_000);
      await traffic.settled(2_000);
      const refreshes = traffic
        .matching(config.refresh)
        .filter((e) => e.start >= from && e.method !== 'OPTIONS');
      if (attempt === 1 && !refreshes.length)
        return {
          reusable: false,
          reason:
            'the app did not refresh when its credential expired on a reload, so reuse could not be tested',
        };
      refreshed.push(
        refreshes.some((e) => e.status !== undefined && e.status < 300) &&
          !urlMatches(loginPattern(config), page.url()),
      );
      await fault.undo();
      traffic.stop();
    } catch (error) {
      return {
        reusable: false,
        reason: `trying the saved state failed (${(error as Error).message.split('\n')[0]})`,
      };
    } finally {
      await context.close().catch(() => {});
    }
  }
  return refreshed.every(Boolean)
    ? {
        reusable: true,
        reason:
          'signed in once: the saved refresh token survived another browser refreshing with it, so every scenario starts from that state',
      }
    : {
        reusable: false,
        reason:
          'one sign-in per scenario, one at a time: the saved refresh token stopped working once another browser had refreshed with it (rotation)',
      };
}
