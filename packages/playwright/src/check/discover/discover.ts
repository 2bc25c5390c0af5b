import type { Browser, Request, Response } from '@playwright/test';
import { urlMatches } from '../../url-pattern.js';
import { type Calibration, calibrate, calibrateNatural, rejectsFor } from '../calibrate/calibrate.js';
import type { CheckConfig } from '../config/types.js';
import { parseDuration } from '../config/validate.js';
import { type ExpiryMode, NATURAL_MAX_WAIT_MS } from '../fault/expire-credential.js';
import { jwtExpiresAt, jwtLifetime, tokenPart } from '../fault/stale-value.js';
import { type Entry, journeysOf, kindOf, openJourney } from '../steps/journey.js';
import { networkQuiet } from '../steps/page-steps.js';
import { checkSelectorSyntax, expectSelector } from '../steps/sign-in.js';
import type { SignInGate } from '../steps/sign-in-gate.js';
import type { SignedInState } from '../steps/signed-in-state.js';
import {
  type Credential,
  credentialCandidates,
  describeCredential,
  fromHint,
  readCredential,
  type SentRequest,
} from './credential.js';

/** `idle-return` waits out a real lifetime up to this long rather than moving a fake clock. */
export const NATURAL_IDLE_MAX_MS = 30_000;

/** What the audit learnt about the app before running any scenario. */
export interface Discovery {
  /** What carries the session, when found. */
  credential: Credential | undefined;
  /** Whether the config named it or the audit found it. */
  source: 'config' | 'discovered' | 'none';
  /** How the server answered the credential as sent, stale, missing (and really expired). */
  calibration: Calibration | undefined;
  /** The expiry mode the scenarios use. */
  mode: ExpiryMode;
  /** Statuses that mean "no longer accepted" for that mode. */
  rejects: readonly number[];
  /** The credential's real lifetime (a JWT's `exp - iat`, or `expiry.after`). */
  lifetimeMs: number | undefined;
  /** Whether `idle-return` can wait out the real lifetime, and the statuses a really expired credential gets. */
  natural: { rejects: readonly number[] } | undefined;
  /** What was found and measured, a line each, for the console and the report. */
  notes: string[];
  /** Why the expiry scenarios cannot be judged, when they cannot (they are then inconclusive). */
  problem: string | undefined;
  /** Each journey's input kind (by its config field, e.g. `journeys[0]`), read from the page. */
  inputKinds: Record<string, Entry['kind']>;
  /** Where sign-in landed, and the signed-in state at the end of discovery (cookies, local storage). */
  signedIn: { landing: string; state: SignedInState } | undefined;
}

const ok = (status: number | undefined) => status !== undefined && status >= 200 && status < 300;

/**
 * Signs in once in a context of its own, watches the API traffic to find what carries the session,
 * checks the selectors the scenarios rely on, and calibrates: how does this server reject an expired
 * credential? Setup mistakes surface here, early, as SetupError naming the field.
 */
export async function discover(
  browser: Browser,
  config: CheckConfig,
  gate: SignInGate,
  deadline: number,
): Promise<Discovery> {
  const context = await browser.newContext({ baseURL: config.baseURL });
  context.setDefaultTimeout(10_000);
  const page = await context.newPage();
  const inScope = (url: string) => urlMatches(config.api, url) && !urlMatches(config.refresh, url);
  // Requests with their headers, in memory only: they hold the credential.
  const seen: { sent: SentRequest; status?: number; afterSignIn: boolean }[] = [];
  const setCookies = new Set<string>();
  let signingIn = false;
  let signedIn = false;
  const pending: Promise<void>[] = [];
  const inputKinds: Record<string, Entry['kind']> = {};
  const byRequest = new Map<Request, { status?: number }>();
  const onRequest = (request: Request) => {
    if (!['fetch', 'xhr'].includes(request.resourceType()) || !inScope(request.url())) return;
    const record: (typeof seen)[number] = {
      sent: { method: request.method(), url: request.url(), headers: {} },
      afterSignIn: signedIn,
    };
    byRequest.set(request, record);
    pending.push(
      request.allHeaders().then(
        (headers) => {
          record.sent = { ...record.sent, headers };
          seen.push(record);
        },
        () => {},
      ),
    );
  };
  const onResponse = async (response: Response) => {
    const record = byRequest.get(response.request());
    if (record) record.status = response.status();
    if (!signingIn && !signedIn) return;
    for (const { name, value } of await response.headersArray().catch(() => [])) {
      if (name.toLowerCase() === 'set-cookie') setCookies.add(value.split('=')[0]!.trim());
    }
  };
  page.on('request', (request) => {
    if (request.method() !== 'GET') signingIn = true;
    onRequest(request);
  });
  page.on('response', (response) => void onResponse(response));
  try {
    await gate.signIn(page, config, deadline);
    signedIn = true;
    const landing = page.url();
    await networkQuiet(page, 400, 5_000);
    const usable = () => seen.some((s) => s.afterSignIn && s.sent.method === 'GET' && ok(s.status));
    if (config.form) {
      if (!usable() || !urlMatches(`**${config.form.path}`, page.url())) {
        await page.goto(config.form.path);
        await networkQuiet(page, 400, 5_000);
      }
      await expectSelector(page, config.form.field, 'form.field');
      await recordKind(inputKinds, 'form', kindOf(page, config.form.field));
      await expectSelector(page, config.form.save, 'form.save');
    }
    // A `ready` selector that cannot parse would silently count 0 loaded parts: refuse it before anything runs.
    if (config.concurrent) await checkSelectorSyntax(page, config.concurrent.ready, 'concurrent.ready');
    if (!usable() && config.concurrent) {
      await page.goto(config.concurrent.path);
      await networkQuiet(page, 400, 5_000);
    }
    // Every journey's steps and input are checked now, so a setup mistake stops the run early.
    for (const journey of journeysOf(config).filter((j) => !j.fromForm)) {
      await openJourney(page, config, journey);
      // A select or checkbox has no unique value: the scenarios that change it must take turns (run-check).
      await recordKind(inputKinds, journey.field, kindOf(page, journey.input));
    }
    await Promise.all(pending);
    // A credential that lives a second or two may be over before it is replayed: a reload makes the app
    // present a fresh one (renewing as it loads, or after a rejection).
    const reobserve = async () => {
      await page.reload().catch(() => {});
      await networkQuiet(page, 400, 5_000);
      await Promise.all(pending);
      return seen.filter((s) => s.afterSignIn);
    };
    const found = await analyse(
      config,
      seen.filter((s) => s.afterSignIn),
      setCookies,
      reobserve,
    );
    const state = await context.storageState().catch(() => undefined);
    return { ...found, inputKinds, signedIn: state && { landing, state } };
  } finally {
    await context.close().catch(() => {});
  }
}

type Observed = { sent: SentRequest; status?: number };

/**
 * Records an input's kind when the page can tell it. A page that navigates meanwhile (a session check that
 * redirects, a reload) cannot: the kind stays unknown, and scenarios on that input take turns (run-check),
 * which is slower but never wrong. Never a reason to stop the audit.
 */
async function recordKind(kinds: Record<string, Entry['kind']>, field: string, kind: Promise<Entry['kind']>) {
  const read = await kind.catch(() => undefined);
  if (read) kinds[field] = read;
}

async function analyse(
  config: CheckConfig,
  observed: Observed[],
  setCookies: ReadonlySet<string>,
  reobserve: () => Promise<Observed[]>,
): Promise<Omit<Discovery, 'inputKinds' | 'signedIn'>> {
  let seen = observed;
  const notes: string[] = [];
  const mode: ExpiryMode = config.expiry?.mode ?? 'stale';
  const configuredLifetime =
    config.expiry?.after === undefined ? undefined : parseDuration(config.expiry.after);
  const base = { mode, notes, natural: undefined, lifetimeMs: configuredLifetime };
  const candidates = config.credential
    ? [fromHint(config.credential)]
    : credentialCandidates(
        seen.map((s) => s.sent),
        setCookies,
      );
  if (!candidates.length) {
    const problem =
      'no credential found on the API requests after sign-in (looked for Authorization and other token headers, cookies set by sign-in, token query parameters); name it with `credential`';
    return { ...base, credential: undefined, source: 'none', calibration: undefined, rejects: [], problem };
  }
  const samples = (credential: Credential) =>
    seen
      .filter(
        (s) => s.sent.method === 'GET' && ok(s.status) && readCredential(credential, s.sent) !== undefined,
      )
      .map((s) => s.sent)
      .reverse();
  let chosen:
    | { credential: Credential; calibration: Calibration | undefined; sample?: SentRequest }
    | undefined;
  const accepted: string[] = [];
  for (const credential of candidates) {
    let sample = samples(credential)[0];
    if (!sample) continue;
    let calibration = await calibrate(credential, sample);
    const value = readCredential(credential, sample);
    const expired =
      value !== undefined &&
      (jwtExpiresAt(tokenPart(safeDecode(value))) ?? Number.POSITIVE_INFINITY) <= Date.now();
    if (!calibration && expired) {
      seen = await reobserve();
      sample = samples(credential)[0];
      calibration = sample && (await calibrate(credential, sample));
    }
    if (!calibration || !sample) continue;
    // The candidate is the credential when the server rejects it changed the way this mode changes it.
    if (rejectsFor(calibration, mode === 'strip' ? 'strip' : 'stale').length) {
      chosen = { credential, calibration, sample };
      break;
    }
    accepted.push(describeCredential(credential));
  }
  const source = config.credential ? 'config' : 'discovered';
  if (!chosen) {
    const credential = candidates[0]!;
    const carried = seen.some((s) => readCredential(credential, s.sent) !== undefined);
    if (!carried)
      return {
        ...base,
        credential: undefined,
        source: 'none',
        calibration: undefined,
        rejects: [],
        problem: `${describeCredential(credential)} (from the config) was on no API request after sign-in`,
      };
    if (accepted.length)
      return {
        ...base,
        credential,
        source,
        calibration: undefined,
        rejects: [],
        problem: `the server accepted a stale ${accepted.join(', and a stale ')}: nothing the audit can expire there ends the session; name the right one with \`credential\``,
      };
    // Nothing could be replayed (no successful GET): judge by the usual statuses and say so.
    notes.push(
      `not calibrated: no successful GET to the API carried ${describeCredential(credential)} after sign-in; counting 401 and 403 as rejections`,
    );
    return { ...base, credential, source, calibration: undefined, rejects: [401, 403], problem: undefined };
  }
  const { credential, sample } = chosen;
  let calibration = chosen.calibration!;
  notes.push(
    `credential: ${describeCredential(credential)} (${source === 'config' ? 'from the config' : 'found after sign-in'})`,
    `calibration: ${calibration.sample} → ${calibration.valid.status} as sent, ${calibration.stale.status} stale, ${calibration.missing.status} without it`,
  );
  const value = readCredential(credential, sample!)!;
  const token = tokenPart(safeDecode(value));
  const lifetimeMs = configuredLifetime ?? jwtLifetime(token);
  let natural: Discovery['natural'];
  const expiresAt = jwtExpiresAt(token);
  const short = lifetimeMs !== undefined && lifetimeMs <= NATURAL_IDLE_MAX_MS;
  if (mode === 'natural' || short) {
    // The real expired answer: wait until this very credential is over, then replay it unchanged.
    const wait = (expiresAt ?? Date.now() + (lifetimeMs ?? Number.POSITIVE_INFINITY)) + 1_200 - Date.now();
    if (wait > NATURAL_MAX_WAIT_MS) {
      if (mode === 'natural')
        return {
          ...base,
          credential,
          source,
          calibration,
          rejects: [],
          lifetimeMs,
          problem: `natural expiry: the credential's lifetime is unknown or longer than ${NATURAL_MAX_WAIT_MS / 1000} s; set expiry.after, or start the app with a short lifetime`,
        };
    } else {
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
      calibration = await calibrateNatural(calibration, sample!);
      natural = { rejects: calibration.rejects };
      notes.push(`really expired: ${calibration.sample} → ${calibration.natural!.status}`);
      if (calibration.warning) notes.push(`warning: ${calibration.warning}`);
    }
  }
  const rejects = mode === 'natural' ? (natural?.rejects ?? []) : rejectsFor(calibration, mode);
  const problem =
    mode === 'natural' && !rejects.length
      ? 'natural expiry: the server still accepted the credential after its lifetime'
      : undefined;
  return {
    mode,
    notes,
    credential,
    source,
    calibration,
    rejects,
    lifetimeMs,
    natural: natural?.rejects.length ? natural : undefined,
    problem,
  };
}

function safeDecode(value: string) {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}
