/**
 * A URL (or a CONNECT authority) with its userinfo replaced by `***`: `http://alice:secret@host/` →
 * `http://***@host/`. Anything shown — log entries, the start-up banner, the control API — goes through this,
 * because a password in a URL is still a password.
 */
export function withoutUserinfo(url: string): string {
  const at = url.indexOf('@');
  if (at === -1) return url; // the common case, and cheap: this runs for every logged request
  const scheme = url.indexOf('://');
  const from = scheme === -1 ? 0 : scheme + 3;
  let end = url.length;
  for (const delimiter of ['/', '?', '#']) {
    const found = url.indexOf(delimiter, from);
    if (found !== -1 && found < end) end = found;
  }
  const last = url.lastIndexOf('@', end - 1);
  if (last < from) return url; // an "@" in the path or query, not in the authority
  return `${url.slice(0, from)}***${url.slice(last)}`;
}
