import { createSession, type Session } from '@expiryproof/core';
import { afterEach, describe, expect, it } from 'vitest';
import { createCrossTab } from '../src/page/cross-tab.js';
import { refreshAt, useAuthServer } from './helpers.js';

/**
 * Tabs simulated as sessions in one process: Node has BroadcastChannel (delivered between instances)
 * but no Web Locks, so the claim-based fallback lock is what runs here unless a LockManager is installed.
 * The Web Locks path itself runs in Chromium in the demo's end-to-end tests.
 */
const ctx = useAuthServer();
const open: Session[] = [];
afterEach(() => {
  for (const session of open.splice(0)) session.dispose();
});

let channel = 0;
function tabs(count: number, crossTab: boolean) {
  const name = `tabs-${++channel}`;
  return Array.from({ length: count }, () => {
    const session = createSession({
      // As if read from shared storage: every tab starts with the same token pair.
      tokens: { ...ctx.tokens },
      origins: [ctx.server.origin],
      refresh: refreshAt(ctx.server.origin),
      crossTab: crossTab && { name },
    });
    open.push(session);
    return session;
  });
}

const requestsOf = (sessions: Session[]) =>
  sessions.flatMap((s, i) => [1, 2, 3].map((n) => s.fetch(`${ctx.server.origin}/api/tab${i}/panel${n}`)));
const loadAll = (sessions: Session[]) => Promise.all(requestsOf(sessions));

describe('cross-tab coordination (fallback lock over BroadcastChannel)', () => {
  it.each([3, 10])(
    '%i tabs with an expired token share one refresh; none presents a spent refresh token',
    async (count) => {
      const sessions = tabs(count, true);
      ctx.server.expireAccessTokens();
      const results = await loadAll(sessions);
      expect(results.every((r) => r.status === 200)).toBe(true);
      expect(ctx.server.stats()).toMatchObject({ refreshCalls: 1, reuseDetected: 0 });
      const tokens = new Set(sessions.map((s) => s.getAccessToken()));
      expect(tokens.size).toBe(1);
    },
  );

  it('without coordination the same tabs reuse a spent refresh token and the server revokes the family', async () => {
    const sessions = tabs(3, false);
    ctx.server.expireAccessTokens();
    await Promise.allSettled(requestsOf(sessions));
    expect(ctx.server.stats().refreshCalls).toBe(3);
    expect(ctx.server.stats().reuseDetected).toBeGreaterThan(0);
  });

  it('a logout in one tab signs out the others', async () => {
    const [first, second, third] = tabs(3, true);
    first!.clear();
    await expect.poll(() => [second!.getStatus(), third!.getAccessToken()]).toEqual(['signed-out', null]);
  });

  it('the fallback lock never lets two tabs refresh at the same time', async () => {
    const name = `lock-${++channel}`;
    const a = createCrossTab(name, () => {})!;
    const b = createCrossTab(name, () => {})!;
    let inside = 0;
    let overlap = false;
    const work = async () => {
      inside++;
      overlap ||= inside > 1;
      await new Promise((resolve) => setTimeout(resolve, 40));
      inside--;
      return 'done';
    };
    const signal = new AbortController().signal;
    const results = await Promise.all([
      a.exclusive(work, signal),
      b.exclusive(work, signal),
      a.exclusive(work, signal),
    ]);
    expect(results).toEqual(['done', 'done', 'done']);
    expect(overlap).toBe(false);
    a.close();
    b.close();
  });

  it('uses Web Locks where the platform has them', async () => {
    const requested: string[] = [];
    let tail = Promise.resolve();
    const locks = {
      request<T>(name: string, _options: { signal: AbortSignal }, work: () => Promise<T>): Promise<T> {
        requested.push(name);
        const run = tail.then(work);
        tail = run.then(
          () => {},
          () => {},
        );
        return run;
      },
    };
    const original = Object.getOwnPropertyDescriptor(globalThis, 'navigator');
    Object.defineProperty(globalThis, 'navigator', { value: { locks }, configurable: true });
    try {
      const sessions = tabs(3, true);
      ctx.server.expireAccessTokens();
      const results = await loadAll(sessions);
      expect(results.every((r) => r.status === 200)).toBe(true);
      expect(requested.length).toBeGreaterThan(0);
      expect(new Set(requested).size).toBe(1);
      expect(ctx.server.stats()).toMatchObject({ refreshCalls: 1, reuseDetected: 0 });
    } finally {
      if (original) Object.defineProperty(globalThis, 'navigator', original);
      else Reflect.deleteProperty(globalThis, 'navigator');
    }
  });

  it('degrades to a single tab, without errors, where there is no BroadcastChannel', async () => {
    const original = globalThis.BroadcastChannel;
    Reflect.deleteProperty(globalThis, 'BroadcastChannel');
    try {
      const [session] = tabs(1, true);
      ctx.server.expireAccessTokens();
      expect((await session!.fetch(`${ctx.server.origin}/api/data`)).status).toBe(200);
      session!.clear();
      expect(session!.getStatus()).toBe('signed-out');
    } finally {
      globalThis.BroadcastChannel = original;
    }
  });
});
