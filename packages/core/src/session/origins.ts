import { ConfigurationError } from '../errors.js';
import type { EngineOptions } from './types.js';

/** Decides which URLs may carry the bearer token. */
export interface OriginPolicy {
  /** Whether a request to `url` may carry the token; false when it cannot be resolved. */
  allows(url: string | URL): boolean;
}

/** The policy of `options.origins`, relative URLs resolved against `options.baseUrl` or the page. */
export function createOriginPolicy({ origins, baseUrl }: EngineOptions): OriginPolicy {
  const base =
    baseUrl === undefined ? (globalThis as { location?: { href?: string } }).location?.href : String(baseUrl);
  const list = origins ?? (base ? [base] : undefined);
  if (!list) {
    throw new ConfigurationError('options.origins is required outside a page (e.g. in Node)');
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
  // Parsing every request's URL is most of what the session adds to a request. A string that starts with
  // an allowed origin and a slash parses to that origin (its authority ends at that slash), so it needs no
  // parsing; opaque origins ("null") have no such form. Anything else is parsed.
  const prefixes = [...allowed].filter((origin) => origin !== 'null').map((origin) => `${origin}/`);
  return {
    allows(url) {
      const text = String(url);
      try {
        return prefixes.some((prefix) => text.startsWith(prefix)) || allowed.has(new URL(text, base).origin);
      } catch {
        return false;
      }
    },
  };
}
