import { ConfigurationError } from '../errors.js';
import type { EngineOptions } from './types.js';

/**
 * Decides which URLs may carry the bearer token: the URL to send the request to (relative URLs, and
 * scheme-relative forms such as `https:host` that a URL parser and a fetch may read differently, resolved
 * against the base), or undefined when it may not carry the token (or cannot be resolved).
 */
export type OriginPolicy = (url: string | URL) => string | URL | undefined;

/** The policy of `options.origins`, relative URLs resolved against `options.baseUrl` or the page. */
export function createOriginPolicy({ origins, baseUrl }: EngineOptions): OriginPolicy {
  // The page's base at the time of the request, as fetch itself resolves: `document.baseURI` honours a
  // <base href>, and a single-page app changes its path as it goes.
  const page = globalThis as { document?: { baseURI?: string }; location?: { href?: string } };
  const base = (): string | undefined =>
    baseUrl === undefined ? (page.document?.baseURI ?? page.location?.href) : String(baseUrl);
  const first = base();
  const list = origins ?? (first ? [first] : undefined);
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
  // parsing and is sent as it is; opaque origins ("null") have no such form. Anything else is parsed.
  const prefixes = [...allowed].filter((origin) => origin !== 'null').map((origin) => `${origin}/`);
  return (url) => {
    const text = String(url);
    if (prefixes.some((prefix) => text.startsWith(prefix))) return url;
    try {
      const resolved = new URL(text, base());
      return allowed.has(resolved.origin) ? resolved.href : undefined;
    } catch {
      return undefined;
    }
  };
}
