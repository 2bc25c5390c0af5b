import type { Page } from '@playwright/test';
import type { CheckConfig } from '../config/types.js';
import { RateLimitedError } from '../errors.js';
import { signIn } from './sign-in.js';

/** Signs in one scenario at a time, backing off when the server rate-limits sign-ins. */
export interface SignInGate {
  /** Signs `page` in; waits its turn, and on 429 waits as the server asks (or backs off) and tries again. */
  signIn(page: Page, config: CheckConfig, deadline: number): Promise<void>;
  /** How many times a sign-in was rate-limited (for the report). */
  readonly rateLimited: number;
}

const MAX_WAIT_MS = 30_000;

export function createSignInGate(): SignInGate {
  let turn: Promise<void> = Promise.resolve();
  let rateLimited = 0;
  // After one 429, every later sign-in waits this long first: the limit is the server's, not one page's.
  let spacing = 0;
  return {
    get rateLimited() {
      return rateLimited;
    },
    signIn(page, config, deadline) {
      const mine = turn.then(async () => {
        for (let attempt = 0; ; attempt++) {
          if (spacing) await page.waitForTimeout(spacing);
          try {
            return await signIn(page, config);
          } catch (error) {
            if (!(error instanceof RateLimitedError)) throw error;
            rateLimited++;
            const wait = Math.min(MAX_WAIT_MS, error.retryAfterMs ?? 1_000 * 2 ** attempt);
            spacing = Math.max(spacing, Math.min(wait, 5_000));
            if (Date.now() + wait > deadline) throw error;
            await page.waitForTimeout(wait);
          }
        }
      });
      turn = mine.catch(() => {});
      return mine;
    },
  };
}
