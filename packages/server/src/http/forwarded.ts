// What a request says about where it came from. Forwarding headers (`X-Forwarded-Proto`, `-Host`, `-For`)
// are believed only with `trustProxy`: without a proxy in front, any client can send them.
import { isIP } from 'node:net';

/** What the adapter knows about the connection that a `Request` does not carry. */
export interface RequestContext {
  /** The peer's address on the socket (Node: `req.socket.remoteAddress`). */
  clientAddress?: string | undefined;
}

/** The last entry of a comma-separated header: the one the nearest proxy (ours) wrote. */
function nearest(value: string | null): string | undefined {
  const entry = value?.split(',').pop()?.trim();
  return entry === '' ? undefined : entry;
}

/** Whether the request came over HTTPS: its URL says so, or (`trustProxy`) `X-Forwarded-Proto: https`. */
export function isHttps(request: Request, trustProxy: boolean): boolean {
  if (new URL(request.url).protocol === 'https:') return true;
  return trustProxy && nearest(request.headers.get('x-forwarded-proto'))?.toLowerCase() === 'https';
}

/** The origin the client addressed: the URL's, or (`trustProxy`) the forwarded scheme and host. */
export function ownOrigin(request: Request, trustProxy: boolean): string {
  const url = new URL(request.url);
  if (!trustProxy) return url.origin;
  const host = nearest(request.headers.get('x-forwarded-host')) ?? url.host;
  try {
    return new URL(`${isHttps(request, true) ? 'https:' : url.protocol}//${host}`).origin;
  } catch {
    return url.origin;
  }
}

/**
 * The client's address as a throttling key: the socket address the adapter passed, or (`trustProxy`) the
 * last `X-Forwarded-For` entry (the address our proxy saw; the entries before it are the client's to
 * write). IPv4-mapped IPv6 becomes IPv4; IPv6 is keyed by its /64, which one client usually holds whole.
 * `undefined` when unknown.
 */
export function clientAddress(
  request: Request,
  context: RequestContext | undefined,
  trustProxy: boolean,
): string | undefined {
  const forwarded = trustProxy ? nearest(request.headers.get('x-forwarded-for')) : undefined;
  const raw = forwarded ?? context?.clientAddress;
  return raw === undefined || raw === '' ? undefined : addressKey(raw);
}

/** `1.2.3.4`, `1.2.3.4:5`, `::ffff:1.2.3.4`, `[2001:db8::1]:5`, `fe80::1%eth0` → a comparable key. */
export function addressKey(raw: string): string {
  let address = raw.trim();
  const bracketed = /^\[([^\]]+)\](?::\d+)?$/.exec(address);
  if (bracketed) address = bracketed[1]!;
  else if (/^[\d.]+:\d+$/.test(address)) address = address.slice(0, address.lastIndexOf(':'));
  address = address.replace(/%.*$/, '');
  const mapped = /^::ffff:([\d.]+)$/i.exec(address);
  if (mapped && isIP(mapped[1]!) === 4) return mapped[1]!;
  if (isIP(address) === 4) return address;
  if (isIP(address) === 6) return `${ipv6Prefix64(address)}::/64`;
  return address.slice(0, 100); // not an address (a proxy's placeholder such as `unknown`): keyed as is
}

/** The first four groups of an IPv6 address, expanded. */
function ipv6Prefix64(address: string): string {
  const [head = '', tail] = address.toLowerCase().split('::');
  const front = head === '' ? [] : head.split(':');
  const back = tail === undefined || tail === '' ? [] : tail.split(':');
  const groups =
    tail === undefined
      ? front
      : [...front, ...Array<string>(8 - front.length - back.length).fill('0'), ...back];
  return groups
    .slice(0, 4)
    .map((group) => Number.parseInt(group, 16).toString(16))
    .join(':');
}
