import type { TrafficEntry } from '../../traffic/record-traffic.js';

/** When a request was in flight, on the machine's clock: from sending to its answer (open-ended without one). */
export interface Span {
  start: number;
  end: number;
}

/** An entry's span; `startedAt` is when its log began (every tab's log counts from its own start). */
export const spanOf = (entry: TrafficEntry, startedAt: number): Span => ({
  start: entry.start + startedAt,
  end: entry.end === undefined ? Number.POSITIVE_INFINITY : entry.end + startedAt,
});

/**
 * Whether any request was sent while another was still waiting for its answer. Two refreshes that never
 * overlapped did not race: the second may already have carried what the first brought back.
 */
export const anyOverlap = (spans: readonly Span[]): boolean =>
  spans.some((a, i) => spans.some((b, j) => i !== j && a.start <= b.start && b.start < a.end));
