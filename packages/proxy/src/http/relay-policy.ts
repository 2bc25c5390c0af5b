import { networkInterfaces } from 'node:os';
import picomatch from 'picomatch';
import { isLoopback } from '../options.js';
import type { Target } from './target.js';

/**
 * Which hosts a forward proxy may reach: the allowed host globs (all when none are given), never the proxy's own
 * ports on this machine — relaying there would loop, or hand the loopback-only control API to anyone who can use
 * the proxy (a phone on the Wi-Fi). Ports are added once the servers listen.
 */
export function relayPolicy(allowHosts: string[] | undefined) {
  const allowedHost = allowHosts?.length ? picomatch(allowHosts.map((h) => h.toLowerCase())) : () => true;
  const ownPorts = new Set<number>();
  return {
    ownPorts,
    allowed: (target: Target) =>
      allowedHost(target.hostname) && !(ownPorts.has(target.port) && isThisMachine(target.hostname)),
  };
}

/** Loopback, an unspecified address, or one of this machine's interfaces. */
function isThisMachine(hostname: string): boolean {
  if (isLoopback(hostname) || hostname === '0.0.0.0' || hostname === '::') return true;
  return Object.values(networkInterfaces()).some((addresses) =>
    addresses?.some((a) => a.address === hostname),
  );
}
