import { randomId } from '../session/random-id.js';
import type { TabLocks } from '../session/types.js';

type ClaimMessage =
  | { type: 'claim'; name: string; id: string; at: number }
  | { type: 'release'; name: string; id: string }
  /** A tab that just opened the channel: holders say their claims again, which it missed. */
  | { type: 'hello' };

/** Options of {@link channelLocks}. */
export interface ChannelLocksOptions {
  /** The BroadcastChannel the claims travel on. Default `expiryproof:locks`. */
  channel?: string | undefined;
  /**
   * How long a claim waits for an earlier one before taking it for a tab that died holding it and going
   * ahead. Default 10 s: longer than any refresh should take (unlike Web Locks, a slower holder loses its
   * exclusivity then).
   */
  maxWait?: number | undefined;
}

/**
 * Locks for platforms with BroadcastChannel but without Web Locks (Firefox 38–95, Chrome 54–68, Node before
 * 24.5): claims over a BroadcastChannel, the earliest first. (Safari gained both in 15.4.) Every supported browser since 2022 has
 * `navigator.locks`, which the session uses by itself; pass this only where it is missing:
 * `createSession({ …, crossTab: { locks: channelLocks() } })`. Returns undefined where there is no
 * BroadcastChannel either (the session then coordinates nothing, as a single tab).
 *
 * The channel stays open for the page's life (claims made before a request must be heard); in Node it does
 * not keep the process alive.
 */
export function channelLocks(options: ChannelLocksOptions = {}): TabLocks | undefined {
  const Channel = (globalThis as { BroadcastChannel?: typeof BroadcastChannel }).BroadcastChannel;
  if (typeof Channel !== 'function') return undefined;
  const channel = new Channel(options.channel ?? 'expiryproof:locks');
  (channel as { unref?: () => void }).unref?.();
  const maxWait = options.maxWait ?? 10_000;
  /** Every claim heard and not yet released, ours included: id → its lock name and time. */
  const claims = new Map<string, { name: string; at: number }>();
  const mine = new Set<string>();
  const waiters = new Set<() => void>();
  const wakeAll = () => {
    for (const wake of [...waiters]) wake();
  };
  const post = (message: ClaimMessage) => channel.postMessage(message);

  channel.onmessage = ({ data }: MessageEvent<ClaimMessage>) => {
    if (data.type === 'claim') claims.set(data.id, data);
    else if (data.type === 'release') {
      claims.delete(data.id);
      wakeAll();
    } else
      for (const id of mine) {
        const claim = claims.get(id);
        if (claim) post({ type: 'claim', id, ...claim });
      }
  };
  post({ type: 'hello' });
  // A page going away mid-refresh releases what it holds, so that its siblings need not wait it out.
  (globalThis as { addEventListener?: (type: string, listener: () => void) => void }).addEventListener?.(
    'pagehide',
    () => {
      for (const id of mine) {
        const claim = claims.get(id);
        if (claim) post({ type: 'release', name: claim.name, id });
      }
    },
  );

  return {
    async request(name, { signal }, work) {
      const id = randomId();
      const at = Date.now();
      // Our own claims count too: a tab's second claim waits for its first.
      const ahead = () =>
        [...claims].some(
          ([other, claim]) =>
            other !== id && claim.name === name && (claim.at < at || (claim.at === at && other < id)),
        );
      claims.set(id, { name, at });
      mine.add(id);
      post({ type: 'claim', name, id, at });
      try {
        // An abort ends the wait at once, not at the next tick.
        signal.addEventListener('abort', wakeAll, { once: true });
        // Give simultaneous claims a moment to arrive, then wait while an earlier claim is held.
        await new Promise((resolve) => setTimeout(resolve, 50));
        const giveUpAt = Date.now() + maxWait;
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
        signal.removeEventListener('abort', wakeAll);
        // As Web Locks do: a request whose signal aborted while it waited rejects without running. (Not
        // `throwIfAborted`: the browsers that need this stand-in predate it.)
        if (signal.aborted) throw signal.reason ?? new DOMException('Aborted', 'AbortError');
        // Waited out: the claims still ahead belong to tabs that died holding them (closed mid-refresh);
        // forgotten, so that no later request waits for them again.
        if (ahead())
          for (const [other, claim] of claims)
            if (other !== id && !mine.has(other) && claim.name === name && claim.at <= at)
              claims.delete(other);
        return await work();
      } finally {
        claims.delete(id);
        mine.delete(id);
        wakeAll();
        post({ type: 'release', name, id });
      }
    },
  };
}
