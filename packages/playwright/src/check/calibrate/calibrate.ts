import { request as apiRequest } from '@playwright/test';
import { type Credential, readCredential, type SentRequest, withCredential } from '../discover/credential.js';
import { staleValue } from '../fault/stale-value.js';

/** How the server answered one calibration request. */
export interface Answer {
  status: number;
  /** Status, content type, challenge and the start of the body, with anything token-like blanked. */
  fingerprint: string;
}

/** How this server tells an expired credential, measured before any scenario is judged. */
export interface Calibration {
  /** The request replayed, e.g. `GET /api/me` (never its credential). */
  sample: string;
  /** The answer with the credential as the app sent it. */
  valid: Answer;
  /** The answer with its stale look-alike. */
  stale: Answer;
  /** The answer without it. */
  missing: Answer;
  /** The answer once the credential had really expired (natural mode only). */
  natural?: Answer | undefined;
  /** Statuses that mean "this credential is no longer accepted" on this server. */
  rejects: readonly number[];
  /** Set when the stale and the really expired answers differ. */
  warning?: string | undefined;
}

const HOP_BY_HOP = new Set(['host', 'content-length', 'connection', 'keep-alive', 'transfer-encoding']);

/** Blanks runs that may be tokens, so nothing secret reaches a report. */
const redact = (text: string) => text.replace(/[A-Za-z0-9._~+/=-]{20,}/g, '…');

/** Sends one request outside the browser, exactly as given (no cookie jar, no redirects followed). */
export async function send(request: SentRequest, timeoutMs = 5_000): Promise<Answer> {
  const context = await apiRequest.newContext({ ignoreHTTPSErrors: true });
  try {
    const headers = Object.fromEntries(
      Object.entries(request.headers).filter(([name]) => !name.startsWith(':') && !HOP_BY_HOP.has(name)),
    );
    const response = await context.fetch(request.url, {
      method: request.method,
      headers,
      maxRedirects: 0,
      failOnStatusCode: false,
      timeout: timeoutMs,
    });
    const body = (await response.text().catch(() => '')).replace(/\s+/g, ' ').slice(0, 200);
    const type = (response.headers()['content-type'] ?? '').split(';')[0];
    const challenge = response.headers()['www-authenticate'];
    return {
      status: response.status(),
      fingerprint: redact(
        [response.status(), type, challenge && `WWW-Authenticate: ${challenge}`, body.slice(0, 80)]
          .filter(Boolean)
          .join(' · '),
      ),
    };
  } finally {
    await context.dispose().catch(() => {});
  }
}

const ok = (answer: Answer) => answer.status >= 200 && answer.status < 400;

export const describeRequest = (request: SentRequest) => {
  const url = new URL(request.url);
  return `${request.method} ${url.pathname}`;
};

/**
 * Replays an API request the app made after sign-in three ways — as sent, with the credential stale, and
 * without it — to learn how this server rejects an expired credential. Returns undefined when the request
 * as sent is not accepted (then it proves nothing about the credential).
 */
export async function calibrate(
  credential: Credential,
  sample: SentRequest,
): Promise<Calibration | undefined> {
  const value = readCredential(credential, sample);
  if (value === undefined) return undefined;
  const valid = await send(sample);
  if (!ok(valid)) return undefined;
  const stale = await send(withCredential(credential, sample, staleValue(value)));
  const missing = await send(withCredential(credential, sample, undefined));
  return {
    sample: describeRequest(sample),
    valid,
    stale,
    missing,
    rejects: ok(stale) ? [] : [stale.status],
  };
}

/** The statuses that mean "expired" for a mode: what a stale credential gets, or (strip) a missing one. */
export function rejectsFor(calibration: Calibration, mode: 'stale' | 'strip' | 'natural'): number[] {
  const answer =
    mode === 'strip' ? calibration.missing : mode === 'natural' ? calibration.natural : calibration.stale;
  return answer && !ok(answer) ? [answer.status] : [];
}

/**
 * Natural mode: the same request once its credential has really expired. The server's own answer is the
 * one that counts; a difference from the stale look-alike is worth a warning, since stale mode would have
 * judged by the other.
 */
export async function calibrateNatural(calibration: Calibration, sample: SentRequest): Promise<Calibration> {
  const natural = await send(sample);
  const warning = ok(natural)
    ? `the server still accepted the credential after its lifetime (${natural.status}): natural expiry cannot be tested this way`
    : natural.status !== calibration.stale.status
      ? `a really expired credential gets ${natural.status}, its stale look-alike ${calibration.stale.status}: stale mode would misjudge this app, keep expiry.mode 'natural'`
      : undefined;
  return { ...calibration, natural, rejects: ok(natural) ? [] : [natural.status], warning };
}
