import { randomId } from '../session/random-id.js';
import type { TabLocks, Tokens } from '../session/types.js';

/** What tabs of one origin tell each other. Same-origin only: a BroadcastChannel never crosses origins. */
export type TabMessage =
  /** Tokens a tab took at `at` (epoch ms): after its refresh, or in answer to `ask`. */
  | { type: 'tokens'; tokens: Tokens; at: number }
  /** "Who holds tokens newer than mine?" — sent by a tab about to refresh after a sibling did. */
  | { type: 'ask' }
  | { type: 'logout' };

/** Coordination between the tabs of one origin: one refresh at a time, and what each tab learns. */
export interface CrossTab {
  /**
   * Runs `work` while no other tab runs its own (Web Locks, or the `locks` given); where there are no locks
   * at all, runs it at once. Resolves undefined, without running `work`, when `signal` aborts first.
   */
  exclusive<T>(work: () => Promise<T>, signal: AbortSignal): Promise<T | undefined>;
  publish(message: TabMessage): void;
  /** When a sibling last said it refreshed (epoch ms), as far as this tab can tell synchronously. */
  lastSiblingRefresh(): number;
  /** Records that this tab refreshed at `at`, for siblings that take the lock after it. */
  markRefreshed(at: number): void;
  close(): void;
}

/**
 * Opens the coordination for `name`, or returns undefined where there is no BroadcastChannel (React Native,
 * old browsers): the session then behaves as a single tab.
 */
export function createCrossTab(
  name: string,
  onMessage: (message: TabMessage) => void,
  locks = (globalThis as { navigator?: { locks?: TabLocks } }).navigator?.locks,
): CrossTab | undefined {
  const Channel = (globalThis as { BroadcastChannel?: typeof BroadcastChannel }).BroadcastChannel;
  if (typeof Channel !== 'function') return undefined;
  const channel = new Channel(name);
  const marker = `${name}:refreshed`;
  const tabId = randomId();
  let lastHeard = 0;

  channel.onmessage = ({ data }: MessageEvent<TabMessage>) => {
    if (data.type === 'tokens') lastHeard = Math.max(lastHeard, data.at);
    onMessage(data);
  };

  const storage = () => {
    try {
      return (globalThis as { localStorage?: Storage }).localStorage;
    } catch {
      return undefined;
    }
  };

  return {
    exclusive: (work, signal) => {
      const run = () => (signal.aborted ? Promise.resolve(undefined) : work());
      return locks
        ? locks.request(name, { signal }, run).catch((error) => {
            if (signal.aborted) return undefined;
            throw error;
          })
        : run();
    },
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
