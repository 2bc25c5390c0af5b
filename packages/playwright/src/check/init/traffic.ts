import type { SentRequest } from '../discover/credential.js';
import type { SeenRequest } from './types.js';
import { sameSite } from './url-glob.js';

/** The traffic init watched, split the ways every inference needs it. */
export interface Traffic {
  /** Every request seen, from the first page on. */
  all: readonly SeenRequest[];
  /** The request that carried the password, when one did. */
  signIn: SeenRequest | undefined;
  /** Fetch/XHR requests to the app's site that left once sign-in had answered. */
  app: SeenRequest[];
  /** Fetch/XHR requests to other sites after sign-in (a status widget, analytics…). */
  otherSites: SeenRequest[];
  /** Names of cookies set from the sign-in's submit on: what a cookie credential would be among. */
  cookiesSetBySignIn: Set<string>;
}

const isData = (request: SeenRequest) => request.type === 'fetch' || request.type === 'xhr';

/**
 * Splits the traffic at sign-in: the request that carried the password answers the question "signed in
 * from when?"; without one (a sign-in init could not single out), the moment the page left the login form.
 */
export function splitTraffic(
  requests: readonly SeenRequest[],
  origin: string,
  submittedAt: number,
  landedAt: number,
): Traffic {
  const signIn = requests.find((r) => r.carriesPassword && r.startedAt >= submittedAt);
  const signedInAt = signIn ? (signIn.endedAt ?? signIn.startedAt) : landedAt;
  const after = requests.filter((r) => isData(r) && r !== signIn && r.startedAt >= signedInAt);
  const cookiesSetBySignIn = new Set(
    requests.filter((r) => r.startedAt >= submittedAt).flatMap((r) => r.setCookies),
  );
  return {
    all: requests,
    signIn,
    app: after.filter((r) => sameSite(r.url, origin)),
    otherSites: after.filter((r) => !sameSite(r.url, origin)),
    cookiesSetBySignIn,
  };
}

/** A request as the credential helpers read it. */
export const sent = (request: SeenRequest): SentRequest => ({
  method: request.method,
  url: request.url,
  headers: request.headers,
});

export const isSuccess = (request: SeenRequest) =>
  request.status !== undefined && request.status >= 200 && request.status < 300;
