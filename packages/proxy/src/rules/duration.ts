const UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };
const PATTERN = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h)?\s*$/;

/** Milliseconds of a {@link Duration}-like value, or `undefined` when it is not one. A bare number is ms. */
export function parseDuration(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) && value >= 0 ? value : undefined;
  if (typeof value !== 'string') return undefined;
  const parts = PATTERN.exec(value);
  if (!parts) return undefined;
  return Number(parts[1]) * (UNITS[parts[2] ?? 'ms'] ?? 1);
}
