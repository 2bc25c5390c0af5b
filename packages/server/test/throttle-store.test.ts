import { describe, expect, it } from 'vitest';
import { createMemoryThrottleStore } from '../src/index.js';
import { manualClock } from './helpers.js';

describe('in-memory throttle store', () => {
  it('keeps a record keepFor after its last update, then forgets it', () => {
    const clock = manualClock();
    const store = createMemoryThrottleStore({ clock: clock.read });
    store.update('k', () => ({ n: 1 }), 1_000);
    clock.advance(999);
    expect(store.get('k')).toEqual({ n: 1 });
    store.update('k', (current) => ({ n: Number(current?.n) + 1 }), 1_000);
    clock.advance(999);
    expect(store.get('k')).toEqual({ n: 2 });
    clock.advance(1);
    expect(store.get('k')).toBeUndefined();
  });

  it('update → undefined deletes; past maxKeys the least recently updated key goes first', () => {
    const store = createMemoryThrottleStore({ maxKeys: 2 });
    store.update('a', () => ({ n: 1 }), 60_000);
    store.update('b', () => ({ n: 1 }), 60_000);
    store.update('a', () => ({ n: 2 }), 60_000); // a is now the freshest
    store.update('c', () => ({ n: 1 }), 60_000);
    expect([store.get('a'), store.get('b'), store.get('c')]).toEqual([{ n: 2 }, undefined, { n: 1 }]);
    store.update('a', () => undefined, 60_000);
    expect(store.get('a')).toBeUndefined();
    expect(() => createMemoryThrottleStore({ maxKeys: 0 })).toThrow(RangeError);
  });
});
