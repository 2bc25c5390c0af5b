import { ConfigurationError } from '../errors.js';

/** Decides which URLs may carry the bearer token. */
export interface OriginPolicy {
  /** The absolute URL, or undefined when it cannot be resolved (then no token is attached). */
  resolve(url: string | URL): URL | undefined;
  allows(url: URL): boolean;
}

export function createOriginPolicy(
  origins: readonly string[] | undefined,
  baseUrl: string | URL | undefined,
): OriginPolicy {
  const base =
    baseUrl === undefined ? (globalThis as { location?: { href?: string } }).location?.href : String(baseUrl);
  const list = origins ?? (base ? [base] : undefined);
  if (!list) {
    throw new ConfigurationError('`origins` is required where there is no page origin (e.g. in Node)');
  }
  const allowed = new Set(
    list.map((origin) => {
      try {
        return new URL(origin).origin;
      } catch {
        throw new ConfigurationError(`Not an origin: ${JSON.stringify(origin)}`);
      }
    }),
  );
  return {
    resolve(url) {
      try {
        return new URL(url, base);
      } catch {
        return undefined;
      }
    },
    allows: (url) => allowed.has(url.origin),
  };
}
