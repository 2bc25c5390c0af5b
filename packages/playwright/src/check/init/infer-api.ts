import type { CredentialHint } from '../config/types.js';
import {
  type Credential,
  credentialCandidates,
  describeCredential,
  readCredential,
} from '../discover/credential.js';
import { sent, type Traffic } from './traffic.js';
import type { Findings, Inferred, SeenRequest, Visit } from './types.js';

/** The guess when no API request was seen at all. */
export const DEFAULT_API = '**/api/**';

/**
 * What carries the session, with the audit's own ranking (credentialCandidates): the requests to the app's
 * site after sign-in, the refresh call left out (it carries the refresh token, not the session).
 */
export function inferCredential(
  traffic: Traffic,
  refresh: SeenRequest | undefined,
): { credential: Credential; finding: Findings['credential'] } | undefined {
  const requests = traffic.app.filter((r) => r !== refresh).map(sent);
  const [first, ...others] = credentialCandidates(requests, traffic.cookiesSetBySignIn);
  if (!first) return undefined;
  return {
    credential: first,
    finding: {
      hint: hintOf(first),
      description: describeCredential(first),
      others: others.map(describeCredential),
    },
  };
}

function hintOf(credential: Credential): CredentialHint {
  if (credential.kind === 'header') return { header: credential.name };
  return credential.kind === 'cookie' ? { cookie: credential.name } : { query: credential.name };
}

/**
 * The API: the requests to the app's site after sign-in that carried the credential (all of them, when
 * none did), as one glob — `**\/<segment>/**` when they share a first path segment, else their origin.
 */
export function inferApi(
  traffic: Traffic,
  origin: string,
  credential: Credential | undefined,
): Inferred<string> & { requests: SeenRequest[] } {
  const carrying = credential
    ? traffic.app.filter((r) => readCredential(credential, sent(r)) !== undefined)
    : [];
  const requests = carrying.length ? carrying : traffic.app;
  if (!requests.length)
    return {
      value: DEFAULT_API,
      seen: false,
      why: 'no API request was seen after sign-in; this is the most common shape',
      requests,
    };
  const origins = [...new Set(requests.map((r) => new URL(r.url).origin))];
  const segments = [...new Set(requests.map((r) => new URL(r.url).pathname.split('/')[1] ?? ''))];
  const which =
    credential && carrying.length ? `that carried ${describeCredential(credential)}` : 'to the app';
  const count = `${requests.length} request${requests.length === 1 ? '' : 's'} ${which} after sign-in`;
  if (origins.length === 1 && origins[0] === origin && segments.length === 1 && segments[0])
    return {
      value: `**/${segments[0]}/**`,
      seen: true,
      why: `${count}, all under /${segments[0]}/`,
      requests,
    };
  const where = origins.length === 1 ? origins[0]! : `{${origins.join(',')}}`;
  return { value: `${where}/**`, seen: true, why: `${count}, on ${origins.join(' and ')}`, requests };
}

/** A page that called another site after sign-in, for `token-leak`. */
export function inferThirdParty(traffic: Traffic, visits: readonly Visit[]): Findings['thirdParty'] {
  const first = traffic.otherSites[0];
  if (!first) return undefined;
  const origin = new URL(first.url).origin;
  const visit = visitOf(first, visits);
  return {
    path: visit?.path ?? visits[0]?.path ?? '/',
    pattern: `${origin}/**`,
    origins: [...new Set(traffic.otherSites.map((r) => new URL(r.url).origin))],
  };
}

/** The page a request was made on: the visit whose window holds its start. */
export function visitOf(request: SeenRequest, visits: readonly Visit[]): Visit | undefined {
  return visits.find((v) => request.startedAt >= v.from && request.startedAt < v.to);
}
