import type { UrlPattern } from '../url-pattern.js';
import { errorBody, errorHeaders } from './responses.js';
import { arm, type ChaosHandle, type ChaosTarget, type TimesOption } from './target.js';

export interface ExpireTokenOptions extends TimesOption {}

/**
 * Makes the server answer 401 as if the access token had expired, by stripping `Authorization` from
 * matching requests (the articles' test).
 * - With `times`: the next `times` matching requests that carry a bearer token lose it.
 * - Without: the token in use right now expires for good. The first bearer token seen after arming is
 *   stripped from every request that presents it; requests with a newer token (after a refresh) pass.
 */
export function expireToken(
  target: ChaosTarget,
  pattern: UrlPattern,
  options: ExpireTokenOptions = {},
): Promise<ChaosHandle> {
  let dead: string | undefined;
  return arm(target, pattern, options, async (route) => {
    const headers = await route.request().allHeaders();
    const authorization = headers.authorization;
    if (!authorization?.startsWith('Bearer ')) return false;
    if (options.times === undefined) {
      dead ??= authorization;
      if (authorization !== dead) return false;
    }
    delete headers.authorization;
    await route.fallback({ headers });
    return true;
  });
}

/** Answers matching requests with `status` (401 with a Bearer challenge, 503 with Retry-After, CORS kept), without reaching the server. */
export async function rejectWith(
  target: ChaosTarget,
  pattern: UrlPattern,
  status: number,
  options: TimesOption = {},
): Promise<ChaosHandle> {
  if (!(Number.isInteger(status) && status >= 400 && status <= 599)) {
    throw new TypeError(`status must be an HTTP error status, 400 to 599 (got ${status})`);
  }
  return arm(target, pattern, options, async (route) => {
    if (route.request().method() === 'OPTIONS') return false;
    await route.fulfill({ status, headers: errorHeaders(route.request(), status), body: errorBody(status) });
    return true;
  });
}

/** Holds matching requests for `ms` before they go to the server. */
export async function delay(
  target: ChaosTarget,
  pattern: UrlPattern,
  ms: number,
  options: TimesOption = {},
): Promise<ChaosHandle> {
  if (!(Number.isFinite(ms) && ms >= 0))
    throw new TypeError(`ms must be a number of milliseconds >= 0 (got ${ms})`);
  return arm(target, pattern, options, async (route) => {
    await new Promise((resolve) => setTimeout(resolve, ms));
    await route.fallback();
    return true;
  });
}

/** Fails matching requests at the network level, as a dropped connection does. */
export function dropConnection(
  target: ChaosTarget,
  pattern: UrlPattern,
  options: TimesOption = {},
): Promise<ChaosHandle> {
  return arm(target, pattern, options, async (route) => {
    await route.abort('connectionreset');
    return true;
  });
}

/** The helpers bound to one target, remembering every rule so they can all be disarmed at once. */
export interface Chaos {
  expireToken(pattern: UrlPattern, options?: ExpireTokenOptions): Promise<ChaosHandle>;
  rejectWith(pattern: UrlPattern, status: number, options?: TimesOption): Promise<ChaosHandle>;
  delay(pattern: UrlPattern, ms: number, options?: TimesOption): Promise<ChaosHandle>;
  dropConnection(pattern: UrlPattern, options?: TimesOption): Promise<ChaosHandle>;
  /** Disarms every rule armed through this object. */
  undoAll(): Promise<void>;
}

export function createChaos(target: ChaosTarget): Chaos {
  const handles: ChaosHandle[] = [];
  const track = async (armed: Promise<ChaosHandle>) => {
    const handle = await armed;
    handles.push(handle);
    return handle;
  };
  return {
    expireToken: (pattern, options) => track(expireToken(target, pattern, options)),
    rejectWith: (pattern, status, options) => track(rejectWith(target, pattern, status, options)),
    delay: (pattern, ms, options) => track(delay(target, pattern, ms, options)),
    dropConnection: (pattern, options) => track(dropConnection(target, pattern, options)),
    async undoAll() {
      await Promise.allSettled(handles.splice(0).map((handle) => handle.undo()));
    },
  };
}
