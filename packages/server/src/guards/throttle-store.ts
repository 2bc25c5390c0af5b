import type { Clock } from '../types.js';

/**
 * What a guard keeps under one key: a small record of numbers (counts, times in ms) and lists of numbers.
 * Its fields are the guard's business; a store only keeps it, and a shared store serialises it (JSON).
 */
export type ThrottleRecord = Readonly<Record<string, number | readonly number[]>>;

/**
 * Where the guards (login throttling, the refresh rate limit) keep their counters. The in-memory default
 * ({@link createMemoryThrottleStore}) serves one process; instances behind one load balancer need a shared
 * store, or each one counts alone and an attacker gets N × the limits. Keys start with `login:account:`,
 * `login:address:` or `refresh:`, so one store can serve both guards (and share a keyspace with care).
 */
export interface ThrottleStore {
  /** The record under `key`, or `undefined`. */
  get(key: string): Promise<ThrottleRecord | undefined> | ThrottleRecord | undefined;
  /**
   * Replaces the record under `key` with `change(current)` (deletes it when that is `undefined`), atomically
   * per key: no other update of the key may interleave. A shared store may run `change` more than once (an
   * optimistic transaction: Redis `WATCH`/`MULTI`, PostgreSQL `SELECT … FOR UPDATE`); the run it keeps is the
   * one it returns. `keepFor`: ms the record must be kept after this update (then it may be dropped).
   */
  update(
    key: string,
    change: (current: ThrottleRecord | undefined) => ThrottleRecord | undefined,
    keepFor: number,
  ): Promise<ThrottleRecord | undefined> | ThrottleRecord | undefined;
}

/** Options of {@link createMemoryThrottleStore}. */
export interface MemoryThrottleStoreOptions {
  /**
   * Most keys kept; past it the least recently updated go first. Default 100 000 (a few tens of MB at most).
   * Bounds memory under a flood of made-up usernames or addresses.
   */
  maxKeys?: number;
  /** For `keepFor`. Default `Date.now`. */
  clock?: Clock;
}

/** A {@link ThrottleStore} in this process's memory: one instance, or one per process. */
export function createMemoryThrottleStore(options: MemoryThrottleStoreOptions = {}): ThrottleStore {
  const maxKeys = options.maxKeys ?? 100_000;
  if (!Number.isInteger(maxKeys) || maxKeys < 1) throw new RangeError('maxKeys must be an integer ≥ 1');
  const clock = options.clock ?? Date.now;
  // Insertion order is update order (an update deletes, then sets): the first key is the stalest.
  const entries = new Map<string, { record: ThrottleRecord; until: number }>();

  const read = (key: string) => {
    const entry = entries.get(key);
    if (entry && entry.until <= clock()) {
      entries.delete(key);
      return undefined;
    }
    return entry?.record;
  };

  return {
    get: read,
    update(key, change, keepFor) {
      const next = change(read(key));
      entries.delete(key);
      if (next === undefined) return undefined;
      entries.set(key, { record: next, until: clock() + keepFor });
      for (const stalest of entries.keys()) {
        if (entries.size <= maxKeys) break;
        entries.delete(stalest);
      }
      return next;
    },
  };
}

/** A number field of a record (0 when absent or not a number). */
export const numberField = (record: ThrottleRecord | undefined, name: string): number => {
  const value = record?.[name];
  return typeof value === 'number' && Number.isFinite(value) ? value : 0;
};

/** A list field of a record (empty when absent or not a list). */
export const listField = (record: ThrottleRecord | undefined, name: string): readonly number[] => {
  const value = record?.[name];
  return Array.isArray(value) ? value.filter((item) => typeof item === 'number') : [];
};
