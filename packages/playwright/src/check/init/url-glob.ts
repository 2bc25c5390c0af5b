/*
 * From URLs seen to the URL patterns a config holds: a request's path as a glob with its ids wild, and
 * whether two origins belong to the same site (an API on api.example.com is the app's, not a third party).
 */

/** A path segment that is an id (a number, a UUID, a long hex or random string) and differs per record. */
const ID_SEGMENT =
  /^(\d+|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|[0-9a-f]{12,}|(?=[^/]*\d)[A-Za-z0-9_-]{20,})$/i;

/** `https://x/api/tasks/42/comments?page=2` → `**\/api/tasks/*\/comments`: the same request for any record. */
export function pathGlob(url: string): string {
  const { pathname } = new URL(url);
  const path = pathname
    .split('/')
    .map((segment) => (ID_SEGMENT.test(segment) ? '*' : segment))
    .join('/');
  return `**${path}`;
}

/** The site of a host, roughly its registrable domain: `api.example.co.uk` → `example.co.uk`. */
export function siteOf(hostname: string): string {
  if (/^[\d.]+$/.test(hostname) || hostname.includes(':') || !hostname.includes('.')) return hostname;
  const labels = hostname.split('.');
  // Two short labels at the end are a public suffix such as co.uk, com.au: keep one more.
  const keep = labels.length > 2 && labels.at(-2)!.length <= 3 && labels.at(-1)!.length <= 2 ? 3 : 2;
  return labels.slice(-keep).join('.');
}

/** Same scheme-less site: app.example.com and api.example.com are; 127.0.0.1 and localhost are not. */
export function sameSite(a: string, b: string): boolean {
  return siteOf(new URL(a).hostname) === siteOf(new URL(b).hostname);
}
