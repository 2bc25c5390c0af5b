import { compileGlobs } from '../rules/glob-match.js';
import type { OwnListeners } from './own-listeners.js';
import type { Target } from './target.js';

/** Why a forward proxy will not relay to a target: the status, code and message it answers. */
export interface Refusal {
  readonly status: number;
  readonly code: string;
  readonly message: string;
}

/**
 * Which hosts a forward proxy may reach: the allowed host globs (all when none are given), and never the proxy's
 * own listeners. Targets named by an IP address are decided here; names are decided on the addresses they
 * resolve to, when the connection is opened (see {@link OwnListeners.lookupFor}).
 * @returns the refusal, or undefined when the target may be reached
 */
export function relayPolicy(allowHosts: string[] | undefined, own: OwnListeners) {
  const allowedHost = allowHosts?.length ? compileGlobs(allowHosts.map((h) => h.toLowerCase())) : () => true;
  return (target: Target): Refusal | undefined => {
    if (!allowedHost(target.hostname))
      return {
        status: 403,
        code: 'host_not_allowed',
        message: `${target.hostPort} is not a host this proxy relays to`,
      };
    if (own.isOwnLiteral(target.hostname, target.port)) return ownListenerRefusal(target.hostPort);
    return undefined;
  };
}

/** The answer to a request for one of the proxy's own listeners, however it was addressed. */
export function ownListenerRefusal(hostPort: string): Refusal {
  return {
    status: 403,
    code: 'host_not_allowed',
    message: `${hostPort} is this proxy itself (one of its own ports on this machine): it does not relay to itself`,
  };
}
