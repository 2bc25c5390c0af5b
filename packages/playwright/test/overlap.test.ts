import { describe, expect, it } from 'vitest';
import { anyOverlap, spanOf } from '../src/check/judge/overlap.js';
import type { TrafficEntry } from '../src/traffic/record-traffic.js';

const entry = (start: number, end: number | undefined) =>
  ({ start, end, method: 'POST', url: 'http://127.0.0.1/api/auth/refresh' }) as TrafficEntry;

describe('whether refreshes raced (the tabs scenario will not pass tabs that never raced)', () => {
  it('one after another is no race, however close', () => {
    expect(anyOverlap([spanOf(entry(0, 10), 0), spanOf(entry(10, 20), 0), spanOf(entry(25, 30), 0)])).toBe(
      false,
    );
  });
  it('a refresh sent while another waits for its answer is a race, in either order', () => {
    expect(anyOverlap([spanOf(entry(0, 10), 0), spanOf(entry(9, 20), 0)])).toBe(true);
    expect(anyOverlap([spanOf(entry(9, 20), 0), spanOf(entry(0, 10), 0)])).toBe(true);
  });
  it('puts every tab on one clock', () => {
    // Tab 2's log began 100 ms after tab 1's: its refresh at 5 is at 105, after tab 1's ended at 100.
    expect(anyOverlap([spanOf(entry(0, 100), 1_000), spanOf(entry(5, 50), 1_100)])).toBe(false);
    expect(anyOverlap([spanOf(entry(0, 100), 1_000), spanOf(entry(5, 50), 1_050)])).toBe(true);
  });
  it('a refresh never answered is still in flight', () => {
    expect(anyOverlap([spanOf(entry(0, undefined), 0), spanOf(entry(5_000, 5_010), 0)])).toBe(true);
  });
});
