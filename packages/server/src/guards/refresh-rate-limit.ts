import type { Clock, RotationGate } from '../types.js';
import { listField, type ThrottleStore } from './throttle-store.js';

/** Options of the per-family refresh rate limit. */
export interface RefreshRateLimitOptions {
  /** Rotations allowed per family within `window`. Default 30. */
  max?: number;
  /** ms. Default 60 000. */
  window?: number;
}

/**
 * At most `max` rotations per family in any `window` (a sliding log of the last `max` rotation times, so
 * there is no burst at a window's edge). A {@link RotationGate}: grace-rule answers are never counted nor
 * refused. A client refreshing in a loop (a bug, or a stolen token being milked) gets 429 instead of
 * minting tokens without end.
 */
export function createRefreshRateLimit(
  store: ThrottleStore,
  clock: Clock,
  options: RefreshRateLimitOptions,
  onError: (error: unknown) => void,
): RotationGate {
  const max = options.max ?? 30;
  const window = options.window ?? 60_000;
  if (!Number.isInteger(max) || max < 1) throw new RangeError('refreshRateLimit.max must be an integer ≥ 1');
  if (!Number.isFinite(window) || window <= 0) throw new RangeError('refreshRateLimit.window must be > 0');
  const key = (familyId: string) => `refresh:${familyId}`;
  /** The rotation times still inside the window at `now`, oldest first, the last `max` of them. */
  const recent = (times: readonly number[], now: number) =>
    times.filter((at) => now - at < window).slice(-max);

  return {
    async wait(familyId) {
      const now = clock();
      const times = recent(listField(await store.get(key(familyId)), 'times'), now);
      // Full: the oldest of the last `max` rotations must leave the window first.
      return times.length < max ? 0 : times[0]! + window - now;
    },
    async rotated(familyId) {
      // The rotation has happened and its answer must reach the client: a failing store is reported, not thrown.
      try {
        await store.update(
          key(familyId),
          (record) => {
            const now = clock();
            return { times: [...recent(listField(record, 'times'), now), now].slice(-max) };
          },
          window,
        );
      } catch (error) {
        onError(error);
      }
    },
  };
}
