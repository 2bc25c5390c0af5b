import { interfaceAddresses, isLoopbackAddress, isUnspecified, plainAddress } from '../http/this-machine.js';

/**
 * Which `Host` values the control API answers: localhost, a loopback address, the address it is bound to (any
 * of this machine's when bound to 0.0.0.0 or ::), and the names given with `apiHosts`. A page that rebinds its
 * own name to 127.0.0.1 still sends its own name as `Host`, so it is turned away before it can read anything.
 */
export function apiHostCheck(
  boundAddress: string,
  extraNames: readonly string[],
): (hostHeader: string | undefined) => boolean {
  const bound = plainAddress(boundAddress)?.address ?? boundAddress.toLowerCase();
  const extra = new Set(extraNames.map(hostnameOf));
  return (hostHeader) => {
    if (hostHeader === undefined) return false;
    const name = hostnameOf(hostHeader);
    if (name === 'localhost' || extra.has(name) || isLoopbackAddress(name)) return true;
    const address = plainAddress(name)?.address;
    if (address === undefined) return false;
    return address === bound || (isUnspecified(bound) && interfaceAddresses().includes(address));
  };
}

/** `[::1]:8474` → `::1`, `LocalHost.:8474` → `localhost`. */
export function hostnameOf(host: string): string {
  const trimmed = host.trim().toLowerCase();
  const name = trimmed.startsWith('[')
    ? trimmed.slice(1, trimmed.indexOf(']') === -1 ? undefined : trimmed.indexOf(']'))
    : trimmed.replace(/:\d*$/, '');
  return name.replace(/\.$/, '');
}
