import type { BrowserContext, Cookie, Request, Route } from '@playwright/test';
import { errorBody, errorHeaders } from '../../chaos/responses.js';
import type { TrafficLog } from '../../traffic/record-traffic.js';
import { type UrlPattern, urlMatches } from '../../url-pattern.js';
import {
  type Credential,
  describeCredential,
  readCredential,
  type SentRequest,
  withCredential,
} from '../discover/credential.js';
import { InconclusiveError } from '../errors.js';
import type { SaveRequest } from '../steps/save-request.js';
import { jwtExpiresAt, staleValue, tokenPart } from './stale-value.js';

export type ExpiryMode = 'stale' | 'strip' | 'natural';

/** Natural expiry waits at most this long; a longer-lived credential needs a shorter lifetime or `stale`. */
export const NATURAL_MAX_WAIT_MS = 120_000;
/** Past the credential's expiry, so that the server's clock (and whole-second `exp`) agrees it is over. */
const NATURAL_MARGIN_MS = 1_200;

export interface CredentialFaultOptions {
  context: BrowserContext;
  credential: Credential;
  mode: ExpiryMode;
  /** API requests the fault acts on. */
  api: UrlPattern;
  /** The refresh call, never touched: it carries the refresh token, not the expired credential. */
  refresh: UrlPattern;
  traffic: TrafficLog;
  /** The credential's lifetime for natural mode when it is not a JWT with `exp`. */
  lifetimeMs?: number | undefined;
}

/** Expires the session's credential the way a server sees an expired one. */
export interface CredentialFault {
  /**
   * The credential the app holds now dies: every request that presents it carries its stale look-alike
   * (or none), while a credential the app obtains afterwards works. Natural mode: waits until the
   * credential really expired. Resolves once the fault is in force.
   */
  expireNow(): Promise<void>;
  /**
   * Only the next `times` requests matching `pattern` that carry the credential get it stale (the articles'
   * mid-flight test). A cookie cannot be changed on one request alone, so there the jar's value dies, as
   * with `expireNow`; natural mode waits as `expireNow` does.
   */
  expireNext(save: SaveRequest, times: number): Promise<void>;
  /**
   * The server keeps rejecting: every API request (never the refresh) is answered `status`, as this server
   * answers an expired credential, without reaching it.
   */
  rejectEverything(status: number): Promise<void>;
  /** When the fault came into force, in ms since the traffic recording began. */
  readonly armedAt: number | undefined;
  /** Requests that left with the credential made stale or removed. */
  readonly hits: number;
  /** A line for the report: what was done to which credential. */
  readonly description: string;
  /** Marks the requests this fault changes in another tab's log too. */
  track(log: TrafficLog): void;
  undo(): Promise<void>;
}

const toSent = async (request: Request): Promise<SentRequest> => ({
  method: request.method(),
  url: request.url(),
  headers: await request.allHeaders().catch(() => request.headers()),
});

export function createCredentialFault(options: CredentialFaultOptions): CredentialFault {
  const { context, credential, mode, traffic } = options;
  const inScope = (url: URL) => urlMatches(options.api, url) && !urlMatches(options.refresh, url);
  const tag = mode === 'strip' ? 'stripped' : 'stale';
  let armedAt: number | undefined;
  let hits = 0;
  let description = `nothing yet done to ${describeCredential(credential)}`;
  let handler: ((route: Route) => Promise<void>) | undefined;
  const logs: TrafficLog[] = [traffic];

  // The value the app holds now (and when it first appeared, for natural mode); values live in memory only.
  const firstSeen = new Map<string, number>();
  let latest: string | undefined;
  const observe = async (request: Request) => {
    if (!inScope(new URL(request.url()))) return;
    const value = readCredential(credential, await toSent(request));
    if (value === undefined) return;
    latest = value;
    if (!firstSeen.has(value)) firstSeen.set(value, Date.now());
  };
  context.on('request', observe);

  /**
   * Routes the API requests through `decide`: `rewrite` sends the request with the credential made stale
   * (or removed), `tag` sends it as it is but marks it in the traffic log (the cookie jar already holds the
   * dead value), `pass` leaves it alone.
   */
  const arm = async (
    decide: (sent: SentRequest, value: string | undefined) => 'rewrite' | 'tag' | 'pass',
  ) => {
    await disarm();
    handler = async (route: Route) => {
      const request = route.request();
      if (request.method() === 'OPTIONS') return route.fallback();
      const sent = await toSent(request);
      const value = readCredential(credential, sent);
      const decision = decide(sent, value);
      if (decision === 'pass') return route.fallback();
      hits++;
      for (const log of logs) log.tag(request, tag);
      if (decision === 'tag' || value === undefined) return route.fallback();
      const changed = withCredential(credential, sent, mode === 'strip' ? undefined : staleValue(value));
      return credential.kind === 'query'
        ? route.fallback({ url: changed.url })
        : route.fallback({ headers: changed.headers as Record<string, string> });
    };
    await context.route(inScope, handler);
    armedAt = Date.now() - traffic.startedAt;
  };
  const disarm = async () => {
    if (handler) await context.unroute(inScope, handler).catch(() => {});
    handler = undefined;
  };

  /** Cookies: the browser sends what is in its jar, so the jar's value is the one that dies. */
  const expireCookie = async () => {
    const jar = (await context.cookies()).filter((c) => c.name === credential.name);
    if (!jar.length)
      throw new InconclusiveError(
        `${describeCredential(credential)} is not in the browser, so it cannot expire`,
      );
    const dead = new Set(jar.map((c) => staleValue(c.value)));
    if (mode === 'strip') await context.clearCookies({ name: credential.name });
    else await context.addCookies(jar.map((c: Cookie) => ({ ...c, value: staleValue(c.value) })));
    // Tag the requests that leave with the dead value (stripped: with none, until the app gets a new one).
    let renewed = false;
    await arm((_sent, value) => {
      if (mode === 'strip') {
        renewed ||= value !== undefined;
        return renewed ? 'pass' : 'tag';
      }
      return value !== undefined && dead.has(value) ? 'tag' : 'pass';
    });
    description = `${describeCredential(credential)} ${mode === 'strip' ? 'removed from' : 'made stale in'} the browser's cookie jar`;
  };

  const expireNaturally = async () => {
    if (credential.kind === 'cookie') {
      const cookie = (await context.cookies()).find((c) => c.name === credential.name);
      if (cookie && !firstSeen.has(cookie.value)) firstSeen.set(cookie.value, Date.now());
      latest = cookie?.value ?? latest;
    }
    if (latest === undefined)
      throw new InconclusiveError(
        `natural expiry: ${describeCredential(credential)} was never seen on an API request`,
      );
    const expiresAt =
      jwtExpiresAt(tokenPart(decodeMaybe(latest))) ??
      (options.lifetimeMs !== undefined ? firstSeen.get(latest)! + options.lifetimeMs : undefined);
    if (expiresAt === undefined)
      throw new InconclusiveError(
        'natural expiry: the credential is not a JWT with `exp`; set expiry.after to its lifetime',
      );
    const wait = expiresAt + NATURAL_MARGIN_MS - Date.now();
    if (wait > NATURAL_MAX_WAIT_MS)
      throw new InconclusiveError(
        `natural expiry: the credential lives ${Math.round(wait / 1000)} s more; start the app with a lifetime under ${NATURAL_MAX_WAIT_MS / 1000} s or use expiry.mode 'stale'`,
      );
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    armedAt = Date.now() - traffic.startedAt;
    description = `waited ${Math.max(0, Math.round(wait / 100) / 10)} s for ${describeCredential(credential)} to really expire`;
  };

  return {
    get armedAt() {
      return armedAt;
    },
    get hits() {
      return hits;
    },
    get description() {
      return description;
    },
    track(log) {
      logs.push(log);
    },
    async expireNow() {
      if (mode === 'natural') return expireNaturally();
      if (credential.kind === 'cookie') return expireCookie();
      // Every credential the app has presented so far dies (several tabs may each hold one); one it obtains
      // later (a refresh, or a page that renews its session as it loads) works. If none was seen yet, the
      // first one presented after arming is the one held now.
      const dead = new Set(firstSeen.keys());
      await arm((_sent, value) => {
        if (value === undefined) return 'pass';
        if (!dead.size) dead.add(value);
        return dead.has(value) ? 'rewrite' : 'pass';
      });
      description = `${describeCredential(credential)} ${mode === 'strip' ? 'removed' : 'made stale'} on every request that presents a token the app held when the fault was armed`;
    },
    async expireNext(save, times) {
      if (mode === 'natural') return expireNaturally();
      if (credential.kind === 'cookie') return expireCookie();
      let left = times;
      await arm((sent, value) => {
        if (value === undefined || left <= 0 || !save.matches(sent.method, sent.url)) return 'pass';
        left--;
        return 'rewrite';
      });
      description = `${describeCredential(credential)} ${mode === 'strip' ? 'removed from' : 'made stale on'} the next ${times === 1 ? 'request' : `${times} requests`} matching ${save.text}`;
    },
    async rejectEverything(status) {
      await disarm();
      handler = async (route: Route) => {
        const request = route.request();
        if (request.method() === 'OPTIONS') return route.fallback();
        hits++;
        return route.fulfill({
          status,
          headers: errorHeaders(request, status),
          body: errorBody(status),
        });
      };
      await context.route(inScope, handler);
      armedAt = Date.now() - traffic.startedAt;
      description = `every API request answered ${status}, as to an expired credential`;
    },
    async undo() {
      context.off('request', observe);
      await disarm();
    },
  };
}

function decodeMaybe(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}
