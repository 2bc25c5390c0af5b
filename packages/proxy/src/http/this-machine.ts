import { BlockList, isIP } from 'node:net';
import { networkInterfaces } from 'node:os';

/**
 * Addresses that reach this machine whatever its interfaces: loopback, and the unspecified addresses (a
 * connection to 0.0.0.0 or :: lands on the local host). `BlockList` also matches their IPv4-mapped IPv6 forms
 * (`::ffff:127.0.0.1`, `::ffff:7f00:1`), which string comparisons miss.
 */
function alwaysLocal(): BlockList {
  const list = new BlockList();
  list.addSubnet('127.0.0.0', 8, 'ipv4');
  list.addSubnet('0.0.0.0', 8, 'ipv4');
  list.addAddress('::1', 'ipv6');
  list.addAddress('::', 'ipv6');
  return list;
}

/** An IP address without brackets or an IPv6 zone (`[fe80::1%eth0]` → `fe80::1`), and its family. */
export function plainAddress(address: string): { address: string; family: 'ipv4' | 'ipv6' } | undefined {
  const bare = address.replace(/^\[|\]$/g, '').replace(/%.*$/, '');
  const version = isIP(bare);
  if (version === 0) return undefined;
  return { address: bare, family: version === 4 ? 'ipv4' : 'ipv6' };
}

/** Whether an IP address only this machine can reach: loopback in any of its spellings. */
export function isLoopbackAddress(address: string): boolean {
  const plain = plainAddress(address);
  if (!plain) return false;
  const loopback = new BlockList();
  loopback.addSubnet('127.0.0.0', 8, 'ipv4');
  loopback.addAddress('::1', 'ipv6');
  return loopback.check(plain.address, plain.family);
}

/**
 * Whether a connection to this IP address would land on this machine: loopback, unspecified, or the address of
 * any of its interfaces (read now: a laptop's Wi-Fi address changes). Not an IP address → false.
 */
export function isThisMachine(address: string): boolean {
  const plain = plainAddress(address);
  if (!plain) return false;
  const local = alwaysLocal();
  for (const entries of Object.values(networkInterfaces()))
    for (const entry of entries ?? []) {
      const own = plainAddress(entry.address);
      if (own) local.addAddress(own.address, own.family);
    }
  return local.check(plain.address, plain.family);
}

/** Whether a listening address (`0.0.0.0`, `::`) accepts connections on every interface. */
export function isUnspecified(address: string): boolean {
  const plain = plainAddress(address);
  return plain !== undefined && (plain.address === '0.0.0.0' || plain.address === '::');
}

/** The addresses of this machine's interfaces, loopback included. */
export function interfaceAddresses(): string[] {
  return Object.values(networkInterfaces()).flatMap((entries) =>
    (entries ?? []).map((entry) => entry.address.replace(/%.*$/, '')),
  );
}
