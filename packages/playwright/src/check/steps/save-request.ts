import { describePattern, type UrlPattern, urlMatches } from '../../url-pattern.js';

/**
 * Which requests are "the save" of a journey. REST apps read and write the same URL (`GET /api/notes` lists,
 * `POST /api/notes` saves), so a bare pattern matches only requests that can write: any method but GET, HEAD
 * and OPTIONS. A string may name the method first — `'PUT **\/api/profile'`, or `'GET **\/api/save*'` for the
 * rare app that saves with a GET — and then only that method counts.
 */
export interface SaveRequest {
  readonly url: UrlPattern;
  /** Upper case; undefined: any method that can write. */
  readonly method: string | undefined;
  matches(method: string, url: string | URL): boolean;
  /** For messages: `POST **\/api/notes`, or the pattern with "(not GET)". */
  readonly text: string;
}

const METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'] as const;
const READS = new Set(['GET', 'HEAD', 'OPTIONS']);
const WITH_METHOD = /^([A-Za-z]+)\s+(\S.*)$/;

/** The method a pattern string names first, and the rest; undefined when it names none it knows. */
export function splitMethod(pattern: string): { method: string; url: string } | undefined {
  const match = WITH_METHOD.exec(pattern.trim());
  if (!match) return undefined;
  const method = match[1]!.toUpperCase();
  return (METHODS as readonly string[]).includes(method) ? { method, url: match[2]! } : undefined;
}

export function saveRequestOf(pattern: UrlPattern): SaveRequest {
  const split = typeof pattern === 'string' ? splitMethod(pattern) : undefined;
  const url = split?.url ?? pattern;
  const method = split?.method;
  return {
    url,
    method,
    matches: (m, u) => {
      const upper = m.toUpperCase();
      if (method ? upper !== method : READS.has(upper)) return false;
      return urlMatches(url, u);
    },
    text: method ? `${method} ${describePattern(url)}` : `${describePattern(url)}, not GET`,
  };
}
