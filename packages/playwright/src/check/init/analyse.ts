import { assembleJourney } from './assemble-journey.js';
import { inferApi, inferCredential, inferThirdParty } from './infer-api.js';
import { inferConcurrent } from './infer-concurrent.js';
import { inferJourneys } from './infer-journeys.js';
import { inferRefresh } from './infer-refresh.js';
import type { RecorderEvent } from './recorder.js';
import { splitTraffic } from './traffic.js';
import type { Findings, LoginForm, SeenRequest, Visit } from './types.js';
import { sameSite } from './url-glob.js';

/** Everything init saw, before it is understood. */
export interface Observations {
  baseURL: string;
  user: string;
  form: LoginForm;
  visits: Visit[];
  requests: readonly SeenRequest[];
  /** Paths the app's scripts name (for guessing the refresh call and save requests init never saw). */
  literals: readonly string[];
  /** When the sign-in form was submitted, and when the page left it. */
  submittedAt: number;
  landedAt: number;
  /** What the person did with --headed, from when. */
  recording: { events: readonly RecorderEvent[]; since: number } | undefined;
  notes: string[];
}

/** Turns what init saw into what the config says, each inference in its own module. */
export function analyse(seen: Observations): Findings {
  const origin = new URL(seen.baseURL).origin;
  const notes = [...seen.notes];
  const traffic = splitTraffic(seen.requests, origin, seen.submittedAt, seen.landedAt);
  if (!traffic.signIn)
    notes.push(
      'no request carried the password as init could see it, so "after sign-in" counts from when the page left the login form',
    );
  if (!seen.form.user) notes.push(`the login form on ${seen.form.path} has no email or username field`);
  const refresh = inferRefresh(traffic, origin, seen.literals);
  const credential = inferCredential(traffic, refresh.request);
  const api = inferApi(traffic, origin, credential?.credential);
  const recorded = seen.recording
    ? assembleJourney(seen.recording.events, seen.requests, seen.recording.since, (r) =>
        isSave(r, origin, refresh.request),
      )
    : undefined;
  if (seen.recording)
    notes.push(
      recorded?.note ??
        'nothing was recorded: no field was changed before a request that is not a GET (save something once, then close the window)',
    );
  const landing = seen.visits[0]!;
  const landedPath = landing.path.split('?')[0]!;
  const exclude = new Set([refresh.request, traffic.signIn].filter((r): r is SeenRequest => r !== undefined));
  return {
    baseURL: seen.baseURL,
    login: seen.form,
    userValue: seen.user,
    done: landedPath === '/' ? `${origin}/` : `**${landedPath}${landing.path.includes('?') ? '?*' : ''}`,
    landedPath,
    loginPage: seen.form.path === '/' ? `${origin}/` : `**${seen.form.path}*`,
    api,
    refresh,
    credential: credential?.finding,
    journeys: inferJourneys(seen.visits, api, refresh.request, recorded?.journey, notes, seen.literals),
    concurrent: inferConcurrent(seen.visits, api.requests, exclude),
    thirdParty: inferThirdParty(traffic, seen.visits),
    logout: landing.signOut,
    notes,
  };
}

/** A request the person's save could be: data to the app's site that is not the refresh. */
function isSave(request: SeenRequest, origin: string, refresh: SeenRequest | undefined): boolean {
  return (
    (request.type === 'fetch' || request.type === 'xhr') &&
    sameSite(request.url, origin) &&
    request !== refresh &&
    request.tokenFields.length === 0 &&
    !/refresh/i.test(new URL(request.url).pathname)
  );
}
