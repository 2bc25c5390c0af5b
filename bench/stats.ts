/** The median of `values` (the mean of the middle two for an even count); does not reorder the input. */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length / 2;
  return Number.isInteger(middle) ? (sorted[middle - 1]! + sorted[middle]!) / 2 : sorted[Math.floor(middle)]!;
}

/**
 * Median, quartiles, lowest and highest of per-round ratios. The quartiles show how settled the median is:
 * half of the rounds fall between them.
 */
export function ratioSummary(ratios: readonly number[]) {
  const sorted = [...ratios].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.round(q * (sorted.length - 1))]!;
  return {
    median: median(ratios),
    q1: at(0.25),
    q3: at(0.75),
    lowest: sorted[0]!,
    highest: sorted[sorted.length - 1]!,
  };
}

/**
 * Runs `a` and `b` for `rounds` rounds in ABBA order (A B, B A, A B, ...), so that drift in machine load
 * and GC debt left by one side hit both sides alike. Returns each round's pair of results.
 */
export async function abba<T>(rounds: number, a: () => Promise<T>, b: () => Promise<T>) {
  const pairs: Array<{ a: T; b: T }> = [];
  for (let round = 0; round < rounds; round++) {
    if (round % 2 === 0) {
      const first = await a();
      pairs.push({ a: first, b: await b() });
    } else {
      const first = await b();
      pairs.push({ a: await a(), b: first });
    }
  }
  return pairs;
}
