/** Where a request goes: the upstream's scheme and authority. */
export interface Target {
  readonly protocol: 'http:' | 'https:';
  readonly hostname: string;
  readonly port: number;
  /** `host:port` as the Host header carries it (the port left out when it is the scheme's default). */
  readonly hostPort: string;
  /** Path prefix of a reverse-mode upstream like `http://127.0.0.1:3000/api` (empty for none). */
  readonly basePath: string;
}

/** @throws {TypeError} on a URL that is not http(s) */
export function targetOf(url: URL): Target {
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw new TypeError(`only http: and https: upstreams are supported (got ${url.protocol})`);
  const port = Number(url.port || (url.protocol === 'https:' ? 443 : 80));
  return {
    protocol: url.protocol,
    hostname: url.hostname.replace(/^\[|\]$/g, ''),
    port,
    hostPort: url.host,
    basePath: url.pathname === '/' ? '' : url.pathname.replace(/\/$/, ''),
  };
}

/** `host:port` of a CONNECT request (`example.com:443`, `[::1]:8443`). */
export function connectTarget(authority: string): Target | undefined {
  try {
    const url = new URL(`https://${authority}`);
    if (!url.hostname || url.pathname !== '/' || url.username) return undefined;
    return targetOf(url);
  } catch {
    return undefined;
  }
}
