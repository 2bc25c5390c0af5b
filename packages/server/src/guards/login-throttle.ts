import { sha256 } from '../secrets.js';
import type { Clock } from '../types.js';
import { numberField, type ThrottleRecord, type ThrottleStore } from './throttle-store.js';

/** Options of login throttling. Durations in ms. */
export interface LoginThrottleOptions {
  /** Failures per account before it locks. Default 5. */
  perAccount?: number;
  /** Failures per client address (over every account) before it locks. Default 20. */
  perAddress?: number;
  /** Failures are forgotten after this long without one (and no lock in force). Default 15 min. */
  window?: number;
  /** The first lockout; each further failure doubles it. Default 1 000. */
  lockout?: number;
  /** The longest lockout. Default 15 min. */
  maxLockout?: number;
}

/** A login that may proceed: report how it ended. Or a refusal: wait `retryAfter` ms. */
export type LoginAttempt =
  | { ok: true; end(result: 'success' | 'failure' | 'error'): Promise<void> }
  | { ok: false; retryAfter: number };

// A reservation older than this is taken for a crashed request and no longer counts.
const PENDING_TIMEOUT = 30_000;
// While earlier attempts are still being verified, the next one waits this long.
const IN_FLIGHT_RETRY = 1_000;

/**
 * Login throttling per account and per client address, with exponential backoff. A record per key holds
 * `failures`, `last` (the last failure), `until` (the lock's end) and `pending` attempts being verified.
 *
 * An attempt reserves a place before the password is checked (so 50 parallel guesses are not 50 checks):
 * it is refused while locked, and while the failures plus the attempts in flight reach the limit — except
 * that past the limit, once the lock has run out, one attempt at a time may try. Each failure at or past
 * the limit locks for `lockout × 2^(failures − limit)`, at most `maxLockout`. A success clears the account's
 * record, not the address's (one good account must not unlock guessing at others). Unknown accounts are
 * counted like known ones, so the answers do not tell which exist.
 */
export function createLoginThrottle(store: ThrottleStore, clock: Clock, options: LoginThrottleOptions) {
  const perAccount = positive('loginThrottle.perAccount', options.perAccount ?? 5);
  const perAddress = positive('loginThrottle.perAddress', options.perAddress ?? 20);
  const window = positive('loginThrottle.window', options.window ?? 15 * 60_000);
  const lockout = positive('loginThrottle.lockout', options.lockout ?? 1_000);
  const maxLockout = positive('loginThrottle.maxLockout', options.maxLockout ?? 15 * 60_000);
  const keepFor = window + maxLockout;

  /** The record as it stands at `now`: failures forgotten after a quiet window, stale reservations dropped. */
  function current(record: ThrottleRecord | undefined, now: number) {
    const until = numberField(record, 'until');
    const last = numberField(record, 'last');
    const forgotten = now - last >= window && now >= until;
    const fresh = now - numberField(record, 'pendingAt') < PENDING_TIMEOUT;
    return {
      failures: forgotten ? 0 : numberField(record, 'failures'),
      last: forgotten ? 0 : last,
      until: forgotten ? 0 : until,
      pending: fresh ? numberField(record, 'pending') : 0,
      pendingAt: numberField(record, 'pendingAt'),
    };
  }

  /** Reserves a place under `key`; the ms to wait when refused, 0 when reserved. */
  async function reserve(key: string, limit: number): Promise<number> {
    let wait = 0;
    await store.update(
      key,
      (record) => {
        const now = clock();
        const state = current(record, now);
        wait = 0;
        if (now < state.until) wait = state.until - now;
        else if (state.failures + state.pending >= limit && (state.failures < limit || state.pending > 0)) {
          wait = IN_FLIGHT_RETRY;
        }
        if (wait > 0) return record;
        return { ...state, pending: state.pending + 1, pendingAt: now };
      },
      keepFor,
    );
    return wait;
  }

  /** Ends a reservation: `failure` counts and may lock; `clear` forgets the key; `release` just lets go. */
  async function settle(key: string, limit: number, how: 'failure' | 'clear' | 'release') {
    if (how === 'clear') {
      await store.update(key, () => undefined, keepFor);
      return;
    }
    await store.update(
      key,
      (record) => {
        const now = clock();
        const state = { ...current(record, now) };
        state.pending = Math.max(0, state.pending - 1);
        if (how === 'failure') {
          state.failures += 1;
          state.last = now;
          if (state.failures >= limit) {
            const doubled = lockout * 2 ** Math.min(state.failures - limit, 40);
            state.until = now + Math.min(doubled, maxLockout);
          }
        }
        return state;
      },
      keepFor,
    );
  }

  return {
    /**
     * Asks to check a login. `account`: the username as typed (keyed case- and space-insensitively, hashed);
     * `address`: the client address key, or `undefined` when unknown (then only the account is limited).
     */
    async begin(account: string, address: string | undefined): Promise<LoginAttempt> {
      const accountKey = `login:account:${sha256(account.normalize('NFKC').trim().toLowerCase())}`;
      const addressKey = address === undefined ? undefined : `login:address:${address}`;
      // The address first: a locked address does not get to create records for made-up accounts.
      if (addressKey !== undefined) {
        const wait = await reserve(addressKey, perAddress);
        if (wait > 0) return { ok: false, retryAfter: wait };
      }
      const wait = await reserve(accountKey, perAccount);
      if (wait > 0) {
        if (addressKey !== undefined) await settle(addressKey, perAddress, 'release');
        return { ok: false, retryAfter: wait };
      }
      return {
        ok: true,
        async end(result) {
          const failed = result === 'failure';
          await settle(
            accountKey,
            perAccount,
            failed ? 'failure' : result === 'success' ? 'clear' : 'release',
          );
          if (addressKey !== undefined) await settle(addressKey, perAddress, failed ? 'failure' : 'release');
        },
      };
    },
  };
}

export type LoginThrottle = ReturnType<typeof createLoginThrottle>;

function positive(name: string, value: number): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
    throw new RangeError(`${name} must be a finite number > 0`);
  }
  return value;
}
