import { visitOf } from './infer-api.js';
import type { Findings, SeenRequest, Visit } from './types.js';

/** Classes that say a part has finished loading. */
const LOADED = /^(loaded|ready|done|success|complete|completed|is-loaded|is-ready)$/i;

/**
 * The page that had the most API calls in flight at once (two at least), for `concurrent-expiry`: how many,
 * the selector that likely marks each loaded part (elements that repeat exactly that many times, a
 * "loaded"-like class preferred), and the landing page's link that opens it in the app.
 */
export function inferConcurrent(
  visits: readonly Visit[],
  api: readonly SeenRequest[],
  exclude: ReadonlySet<SeenRequest>,
): Findings['concurrent'] {
  let best: { visit: Visit; count: number } | undefined;
  for (const visit of visits) {
    const own = api.filter((r) => !exclude.has(r) && visitOf(r, visits) === visit);
    const count = maxInFlight(own, visit.to);
    if (count >= 2 && (!best || count > best.count)) best = { visit, count };
  }
  if (!best) return undefined;
  const { visit, count } = best;
  const ready = readySelector(visit.parts, count);
  return {
    path: visit.path,
    count,
    ready,
    readyWhy: ready
      ? `${count} elements match it on ${visit.path} now; confirm it marks a part that has loaded`
      : `nothing on ${visit.path} repeats ${count} times; name what marks each loaded part`,
    // The landing page is loaded by sign-in itself; any other page is best opened by its link.
    click: visit === visits[0] ? undefined : visit.click,
  };
}

/** The most requests in flight at the same moment (a request not yet answered counts until `until`). */
function maxInFlight(requests: readonly SeenRequest[], until: number): number {
  const edges = requests.flatMap((r) => [
    { at: r.startedAt, delta: 1 },
    { at: r.endedAt ?? until, delta: -1 },
  ]);
  // At the same millisecond, an end before a start: back-to-back calls are not concurrent.
  edges.sort((a, b) => a.at - b.at || a.delta - b.delta);
  let now = 0;
  let most = 0;
  for (const edge of edges) {
    now += edge.delta;
    most = Math.max(most, now);
  }
  return most;
}

/** A selector matched by exactly `count` elements: a data attribute with a loaded-like class, then either alone. */
function readySelector(parts: Readonly<Record<string, number>>, count: number): string | undefined {
  const exact = Object.keys(parts).filter((key) => parts[key] === count);
  const loadedClass = (key: string) => LOADED.test(key.split('.').at(-1) ?? '') && key.includes('.');
  return (
    exact.find((key) => key.startsWith('[') && loadedClass(key)) ??
    exact.find((key) => loadedClass(key)) ??
    exact.find((key) => key.startsWith('[') && !key.includes('.')) ??
    exact.find((key) => key.startsWith('.'))
  );
}
