import { createSession, type Session } from '@expiryproof/core';
import { channelLocks } from '@expiryproof/core/channel-locks';
import { afterEach, describe, expect, it } from 'vitest';
import { refreshAt, useAuthServer } from './helpers.js';

/**
 * Tabs simulated as sessions in one process: Node 20 has BroadcastChannel (delivered between instances)
 * but no Web Locks, so each tab is given `channelLocks()` (claims over a BroadcastChannel), as a page on a
 * browser without Web Locks would be, unless a LockManager is installed. The Web Locks path itself runs in
 * Chromium in the demo's end-to-end tests.
 */
const ctx = useAuthServer();
const open: Session[] = [];
afterEach(() => {
  for (const session of open.splice(0)) session.dispose();
});

let channel = 0;
/**
 * `locks`: cross-tab, each tab with its own `channelLocks()` on one channel; `bare`: cross-tab with the
 * platform's locks only (none in Node 20); `none`: no cross-tab at all.
 */
function tabs(count: number, mode: 'locks' | 'bare' | 'none') {
  const name = `tabs-${++channel}`;
  return Array.from({ length: count }, () => {
    const session = createSession({
      // As if read from shared storage: every tab starts with the same token pair.
      tokens: { ...ctx.tokens },
      origins: [ctx.server.origin],
      refresh: refreshAt(ctx.server.origin),
      crossTab:
        mode === 'none'
          ? false
          : { name, ...(mode === 'locks' ? { locks: channelLocks({ channel: `${name}:locks` }) } : {}) },
    });
    open.push(session);
    return session;
  });
}

const requestsOf = (sessions: Session[]) =>
  sessions.flatMap((s, i) => [1, 2, 3].map((n) => s.fetch(`${ctx.server.origin}/api/tab${i}/panel${n}`)));
const loadAll = (sessions: Session[]) => Promise.all(requestsOf(sessions));

describe('cross-tab coordination (channelLocks: claims over BroadcastChannel)', () => {
  it.each([3, 10])(
    '%i tabs with an expired token share one refresh; none presents a spent refresh token',
    async (count) => {
      const sessions = tabs(count, 'locks');
      ctx.server.expireAccessTokens();
      const results = await loadAll(sessions);
      expect(results.every((r) => r.status === 200)).toBe(true);
      expect(ctx.server.stats()).toMatchObject({ refreshCalls: 1, reuseDetected: 0 });
      const tokens = new Set(sessions.map((s) => s.getAccessToken()));
      expect(tokens.size).toBe(1);
    },
  );

  it('without coordination the same tabs reuse a spent refresh token and the server revokes the family', async () => {
    const sessions = tabs(3, 'none');
    ctx.server.expireAccessTokens();
    await Promise.allSettled(requestsOf(sessions));
    expect(ctx.server.stats().refreshCalls).toBe(3);
    expect(ctx.server.stats().reuseDetected).toBeGreaterThan(0);
  });

  it('a logout in one tab signs out the others', async () => {
    const [first, second, third] = tabs(3, 'locks');
    first!.clear();
    await expect.poll(() => [second!.getStatus(), third!.getAccessToken()]).toEqual(['signed-out', null]);
  });

  it('where there are no locks at all, each tab refreshes on its own, as single tabs do', async () => {
    // No Web Locks, whatever this Node has (24.5 and later have navigator.locks).
    const original = Object.getOwnPropertyDescriptor(globalThis, 'navigator');
    Object.defineProperty(globalThis, 'navigator', { value: {}, configurable: true });
    try {
      const sessions = tabs(3, 'bare');
      ctx.server.expireAccessTokens();
      await Promise.allSettled(requestsOf(sessions));
      expect(ctx.server.stats().refreshCalls).toBe(3);
    } finally {
      if (original) Object.defineProperty(globalThis, 'navigator', original);
      else Reflect.deleteProperty(globalThis, 'navigator');
    }
  });

  const work = () => {
    const state = { inside: 0, overlap: false };
    const run = async () => {
      state.inside++;
      state.overlap ||= state.inside > 1;
      await new Promise((resolve) => setTimeout(resolve, 40));
      state.inside--;
      return 'done';
    };
    return { state, run };
  };

  it('channelLocks never lets two holders of one name in at once, across instances and within one', async () => {
    const name = `lock-${++channel}`;
    const a = channelLocks({ channel: name })!;
    const b = channelLocks({ channel: name })!;
    const { state, run } = work();
    const signal = new AbortController().signal;
    const results = await Promise.all([
      a.request('x', { signal }, run),
      b.request('x', { signal }, run),
      a.request('x', { signal }, run),
    ]);
    expect(results).toEqual(['done', 'done', 'done']);
    expect(state.overlap).toBe(false);
  });

  it('channelLocks: a tab opened while another holds the lock hears of it and waits', async () => {
    const name = `lock-${++channel}`;
    const a = channelLocks({ channel: name })!;
    const signal = new AbortController().signal;
    let released = false;
    const holding = a.request('x', { signal }, async () => {
      await new Promise((resolve) => setTimeout(resolve, 400));
      released = true;
    });
    await new Promise((resolve) => setTimeout(resolve, 100));
    // Opened after the claim went out: only its hello brings the claim back.
    const b = channelLocks({ channel: name })!;
    const sawRelease = await b.request('x', { signal }, async () => released);
    await holding;
    expect(sawRelease).toBe(true);
  });

  it('channelLocks: a waiter whose signal aborts rejects with the abort reason and never runs', async () => {
    const name = `lock-${++channel}`;
    const a = channelLocks({ channel: name })!;
    const held = a.request(
      'x',
      { signal: new AbortController().signal },
      () => new Promise((r) => setTimeout(r, 400)),
    );
    // Claims of one millisecond are ordered by their random ids: this one must come second.
    await new Promise((resolve) => setTimeout(resolve, 10));
    const waiter = new AbortController();
    let ran = false;
    const waiting = a.request('x', { signal: waiter.signal }, async () => {
      ran = true;
    });
    setTimeout(() => waiter.abort(new Error('gave up')), 100);
    await expect(waiting).rejects.toThrow('gave up');
    await held;
    expect(ran).toBe(false);
  });

  it('channelLocks is undefined where there is no BroadcastChannel', () => {
    const original = globalThis.BroadcastChannel;
    Reflect.deleteProperty(globalThis, 'BroadcastChannel');
    try {
      expect(channelLocks()).toBeUndefined();
    } finally {
      globalThis.BroadcastChannel = original;
    }
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
      const sessions = tabs(3, 'bare');
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
      const [session] = tabs(1, 'bare');
      ctx.server.expireAccessTokens();
      expect((await session!.fetch(`${ctx.server.origin}/api/data`)).status).toBe(200);
      session!.clear();
      expect(session!.getStatus()).toBe('signed-out');
    } finally {
      globalThis.BroadcastChannel = original;
    }
  });
});
