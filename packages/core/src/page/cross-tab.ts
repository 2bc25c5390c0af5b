import { randomId } from '../session/random-id.js';
import type { Tokens } from '../session/types.js';

/** What tabs of one origin tell each other. Same-origin only: a BroadcastChannel never crosses origins. */
export type TabMessage =
  /** Tokens a tab took at `at` (epoch ms): after its refresh, or in answer to `ask`. */
  | { type: 'tokens'; tokens: Tokens; at: number }
  /** "Who holds tokens newer than mine?" — sent by a tab about to refresh after a sibling did. */
  | { type: 'ask' }
  | { type: 'logout' }
  | { type: 'claim'; id: string; at: number }
  | { type: 'release'; id: string };

/** Coordination between the tabs of one origin: one refresh at a time, and what each tab learns. */
export interface CrossTab {
  /**
   * Runs `work` while no other tab runs its own: Web Locks where the browser has them, otherwise claims
   * over the channel. Resolves undefined, without running `work`, when `signal` aborts first.
   */
  exclusive<T>(work: () => Promise<T>, signal: AbortSignal): Promise<T | undefined>;
  publish(message: TabMessage): void;
  /** When a sibling last said it refreshed (epoch ms), as far as this tab can tell synchronously. */
  lastSiblingRefresh(): number;
  /** Records that this tab refreshed at `at`, for siblings that take the lock after it. */
  markRefreshed(at: number): void;
  close(): void;
}

interface LockManagerLike {
  request<T>(name: string, options: { signal: AbortSignal }, work: () => Promise<T>): Promise<T>;
}

/**
 * Opens the coordination for `name`, or returns undefined where there is no BroadcastChannel (React Native,
 * old browsers): the session then behaves as a single tab.
 */
export function createCrossTab(name: string, onMessage: (message: TabMessage) => void): CrossTab | undefined {
  const Channel = (globalThis as { BroadcastChannel?: typeof BroadcastChannel }).BroadcastChannel;
  if (typeof Channel !== 'function') return undefined;
  const channel = new Channel(name);
  const locks = (globalThis as { navigator?: { locks?: LockManagerLike } }).navigator?.locks;
  const marker = `${name}:refreshed`;
  const tabId = randomId();
  // Fallback lock state: claims of other tabs, and waiters for their release.
  const claims = new Map<string, number>();
  const waiters = new Set<() => void>();
  let lastHeard = 0;

  channel.onmessage = ({ data }: MessageEvent<TabMessage>) => {
    if (data.type === 'claim') claims.set(data.id, data.at);
    else if (data.type === 'release') {
      claims.delete(data.id);
      for (const wake of [...waiters]) wake();
    } else {
      if (data.type === 'tokens') lastHeard = Math.max(lastHeard, data.at);
      onMessage(data);
    }
  };

  const storage = () => {
    try {
      return (globalThis as { localStorage?: Storage }).localStorage;
    } catch {
      return undefined;
    }
  };

  async function claimed<T>(work: () => Promise<T>, signal: AbortSignal): Promise<T | undefined> {
    const id = randomId();
    const at = Date.now();
    // Our own claims count too: a tab's second claim waits for its first.
    const ahead = () =>
      [...claims].some(([other, when]) => other !== id && (when < at || (when === at && other < id)));
    claims.set(id, at);
    channel.postMessage({ type: 'claim', id, at } satisfies TabMessage);
    // Give simultaneous claims a moment to arrive, then wait while an earlier claim is held.
    await new Promise((resolve) => setTimeout(resolve, 50));
    const giveUpAt = Date.now() + 10_000;
    while (ahead() && !signal.aborted && Date.now() < giveUpAt) {
      await new Promise<void>((resolve) => {
        const wake = () => {
          waiters.delete(wake);
          resolve();
        };
        waiters.add(wake);
        setTimeout(wake, 250);
      });
    }
    try {
      return signal.aborted ? undefined : await work();
    } finally {
      claims.delete(id);
      for (const wake of [...waiters]) wake();
      channel.postMessage({ type: 'release', id } satisfies TabMessage);
    }
  }

  return {
    exclusive: (work, signal) =>
      locks
        ? locks
            .request(name, { signal }, () => (signal.aborted ? Promise.resolve(undefined) : work()))
            .catch((error) => {
              if (signal.aborted) return undefined;
              throw error;
            })
        : claimed(work, signal),
    publish: (message) => channel.postMessage(message),
    lastSiblingRefresh() {
      const [at, by] = (storage()?.getItem(marker) ?? '').split(' ');
      // A marker that is not a number (NaN) counts as none.
      return Math.max(lastHeard, (by && by !== tabId && Number(at)) || 0);
    },
    markRefreshed(at) {
      try {
        storage()?.setItem(marker, `${at} ${tabId}`);
      } catch {
        // Without storage, siblings learn from the channel alone.
      }
    },
    close: () => channel.close(),
  };
}
