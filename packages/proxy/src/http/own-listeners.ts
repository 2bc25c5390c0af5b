import { type LookupAddress, lookup as systemLookup } from 'node:dns';
import { isIP, type LookupFunction } from 'node:net';
import { isThisMachine } from './this-machine.js';

/**
 * A relay refused because it would reach one of the proxy's own listeners. Raised as the connection's error
 * (`code` like Node's), so every path that opens an upstream connection reports it the same way.
 */
export class OwnListenerError extends Error {
  override name = 'OwnListenerError';
  readonly code = 'EXPIRYPROOF_OWN_LISTENER';

  constructor(
    readonly hostPort: string,
    readonly address: string,
  ) {
    super(
      `${hostPort} is this proxy itself (${address} is this machine, and the port one of the proxy's): it does not relay to its own ports`,
    );
  }
}

/**
 * "Is this one of my own listeners?", decided on the address a connection would really go to — after name
 * resolution, in every spelling of an address (IPv4, IPv6, IPv4-mapped IPv6, any interface address, 0.0.0.0/::).
 * Relaying there would loop, or hand the loopback-only control API to anyone who can use the proxy (a phone on
 * the Wi-Fi). A string comparison on the host name cannot decide it: `[::ffff:127.0.0.1]` and any name that
 * resolves to 127.0.0.1 would pass.
 */
export class OwnListeners {
  readonly #ports = new Set<number>();
  readonly #resolve: LookupFunction;

  constructor(resolve: LookupFunction = systemLookup as LookupFunction) {
    this.#resolve = resolve;
  }

  /** Adds a port the proxy listens on (its own, the control API's), once it is bound. */
  add(port: number): void {
    this.#ports.add(port);
  }

  /** Whether an IP-literal target is ours. Names are decided when they are resolved ({@link lookupFor}). */
  isOwnLiteral(hostname: string, port: number): boolean {
    return this.#ports.has(port) && isIP(hostname) !== 0 && isThisMachine(hostname);
  }

  /**
   * The resolver for a connection to `port`: on one of the proxy's ports, it fails with {@link OwnListenerError}
   * when any address the name resolves to is this machine. The check is made on the very addresses the socket
   * then connects to, so a name that resolves differently a moment later (DNS rebinding) cannot slip through.
   * (Node skips the resolver for IP literals: {@link isOwnLiteral} covers those.)
   */
  lookupFor(port: number): LookupFunction {
    if (!this.#ports.has(port)) return this.#resolve;
    return (hostname, options, callback) => {
      this.#resolve(hostname, { ...options, all: true }, (error, found, family) => {
        if (error) return callback(error, '', 0);
        const addresses = asList(found, family);
        const own = addresses.find((a) => isThisMachine(a.address));
        if (own) return callback(new OwnListenerError(`${hostname}:${port}`, own.address), '', 0);
        if (options.all) return callback(null, addresses);
        const [first] = addresses;
        if (!first) return callback(notFound(hostname), '', 0);
        callback(null, first.address, first.family);
      });
    };
  }

  /** The address of this machine that `hostname:port` reaches on one of the proxy's ports, if any. */
  async ownAddress(hostname: string, port: number): Promise<string | undefined> {
    if (!this.#ports.has(port)) return undefined;
    if (isIP(hostname)) return isThisMachine(hostname) ? hostname : undefined;
    const addresses = await new Promise<LookupAddress[]>((resolve) =>
      // A name that does not resolve now is not ours now; the relay reports it when it is used.
      this.#resolve(hostname, { all: true }, (error, found, family) =>
        resolve(error ? [] : asList(found, family)),
      ),
    );
    return addresses.find((a) => isThisMachine(a.address))?.address;
  }
}

/** A resolver's answer as a list, whether it honoured `all: true` or answered one address. */
function asList(found: string | LookupAddress[], family: number | undefined): LookupAddress[] {
  return typeof found === 'string' ? [{ address: found, family: family ?? (isIP(found) || 4) }] : found;
}

function notFound(hostname: string): NodeJS.ErrnoException {
  return Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND', hostname });
}
