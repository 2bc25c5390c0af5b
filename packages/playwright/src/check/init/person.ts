import { createInterface } from 'node:readline';
import type { Browser, Page } from '@playwright/test';

export const PROMPT = 'Save something once in the app, then close the window or press Enter';

/**
 * With --headed: asks the person to save something once, and waits until they press Enter, close the
 * window, or quit the browser. A closed stdin (no terminal) only leaves the window as the way to finish.
 */
export async function waitForPerson(
  page: Page,
  browser: Browser,
  log: (line: string) => void,
): Promise<void> {
  log(PROMPT);
  const input = createInterface({ input: process.stdin });
  try {
    await new Promise<void>((resolve) => {
      input.once('line', () => resolve());
      page.once('close', () => resolve());
      browser.once('disconnected', () => resolve());
    });
  } finally {
    input.close();
    // readline resumed stdin; paused again, it no longer keeps the process alive.
    process.stdin.pause();
  }
}
