/** A URL matcher in Playwright's style: a glob (`**\/api/**`), a RegExp, or a predicate. */
export type UrlPattern = string | RegExp | ((url: URL) => boolean);

/**
 * Compiles a Playwright-style glob: `**` spans path segments, `*` stays within one, `?` is one character,
 * `{a,b}` is either. Used by matchers, which run on recorded traffic rather than through `page.route`.
 */
export function globToRegExp(glob: string): RegExp {
  let source = '';
  let inGroup = false;
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i]!;
    if (c === '*') {
      const double = glob[i + 1] === '*';
      if (double) i++;
      // `**/` also matches nothing, so `**/api` matches `/api` at the start of a path too.
      if (double && glob[i + 1] === '/') {
        source += '(?:.*/)?';
        i++;
      } else source += double ? '.*' : '[^/]*';
    } else if (c === '?') source += '.';
    else if (c === '{') {
      inGroup = true;
      source += '(?:';
    } else if (c === '}' && inGroup) {
      inGroup = false;
      source += ')';
    } else if (c === ',' && inGroup) source += '|';
    else source += c.replace(/[.+^${}()|[\]\\/]/g, '\\$&');
  }
  return new RegExp(`^${source}$`);
}

export function urlMatches(pattern: UrlPattern, url: string | URL): boolean {
  const href = String(url);
  if (typeof pattern === 'function') return pattern(new URL(href));
  if (pattern instanceof RegExp) return pattern.test(href);
  return globToRegExp(pattern).test(href);
}

/** A readable form of a pattern for messages. */
export const describePattern = (pattern: UrlPattern): string =>
  typeof pattern === 'function' ? 'a URL predicate' : String(pattern);
