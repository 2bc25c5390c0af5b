/**
 * Random interleavings of request starts, server-side expiry, refresh outcomes (including answers lost
 * after the server rotated, and unsafe tokens), aborts and re-authentication, for sessions that start
 * signed in, with stale tokens or anonymous, against strict or key-honouring servers that refuse expired
 * tokens with 401 or 403. Driven by fast-check's scheduler. The transport here is a fake (the real-server
 * suites cover the same behaviour over HTTP); what it adds is thousands of orderings no timed test reaches.
 */
import { createSession, HttpStatusError, type SessionEvent, type Tokens } from '@expiryproof/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

const API = 'http://api.test';
const OTHER = 'http://other.test';
/** In every unsafe token: found in an error, it means a token leaked. */
const MARK = 'T0KEN';

/** `lost`: the server rotates, then the answer never arrives. `unsafe`: it answers a CR/LF token. */
type Outcome = 'ok' | 'transient' | 'rejected' | 'hang' | 'lost' | 'unsafe';

/**
 * A rotating-token server in memory: only the newest access token is valid; a spent refresh token
 * presented again counts as reuse, unless the server honours the idempotency key it was first sent with.
 */
function fakeServer(idempotency: boolean) {
  let n = 0;
  const answered = new Map<string, { presented: string; tokens: Tokens }>();
  const server = {
    access: 'a0',
    refresh: 'r0',
    spent: new Set<string>(),
    reuse: 0,
    lost: 0,
    expire() {
      server.access = `expired-${++n}`;
    },
    issue(): Tokens {
      server.access = `a${++n}`;
      server.refresh = `r${n}`;
      return { accessToken: server.access, refreshToken: server.refresh };
    },
    /** What the refresh endpoint does for `outcome`: tokens, or a thrown failure. */
    answer(outcome: Outcome, presented: string | undefined, key: string): Tokens {
      if (outcome === 'transient') throw new HttpStatusError(503);
      if (outcome === 'unsafe') return { accessToken: `${MARK}\r\nX-Injected: 1` };
      const earlier = answered.get(key);
      if (idempotency && earlier && earlier.presented === presented) return earlier.tokens;
      if (outcome === 'rejected' || presented !== server.refresh) {
        if (presented && server.spent.has(presented)) server.reuse++;
        throw new HttpStatusError(401);
      }
      server.spent.add(presented);
      const tokens = server.issue();
      answered.set(key, { presented, tokens });
      if (outcome === 'lost') {
        server.lost++;
        throw new TypeError('fetch failed');
      }
      return tokens;
    },
  };
  return server;
}

const abortable = <T>(promise: Promise<T>, signal: AbortSignal) =>
  new Promise<T>((resolve, reject) => {
    signal.addEventListener('abort', () => reject(signal.reason), { once: true });
    promise.then(resolve, reject);
  });

describe('interleavings (property-based)', () => {
  it('every request settles, one refresh at a time, each sent at most twice, no token leaves its origins or shows in an error, no refresh token reused unless an answer was lost by a strict server, anonymous sessions never ask anyone', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.scheduler(),
        fc.array(fc.record({ foreign: fc.boolean(), abort: fc.boolean(), withBody: fc.boolean() }), {
          minLength: 1,
          maxLength: 8,
        }),
        fc.array(fc.constantFrom<Outcome>('ok', 'ok', 'transient', 'rejected', 'hang', 'lost', 'unsafe'), {
          maxLength: 4,
        }),
        fc.integer({ min: 0, max: 3 }),
        fc.constantFrom<'none' | 'accept' | 'decline'>('none', 'accept', 'decline'),
        fc.record({
          start: fc.constantFrom<'signed-in' | 'stale' | 'anonymous'>('signed-in', 'stale', 'anonymous'),
          idempotency: fc.boolean(),
          refusal: fc.constantFrom<401 | 403>(401, 403),
        }),
        async (s, requests, outcomes, expiries, reauth, { start, idempotency, refusal }) => {
          const server = fakeServer(idempotency);
          const sends = new Map<string, number>();
          /** Whether each request's first send carried a credential, and the status the caller got. */
          const firstWithToken = new Map<string, boolean>();
          const finalStatus = new Map<string, number>();
          const initialToken = `Bearer ${server.access}`;
          let initialTokenSent = false;
          const leaks: string[] = [];
          const errors: unknown[] = [];
          const seen = new Set<SessionEvent>();
          let reauthAsked = 0;
          let refreshing = 0;
          let maxRefreshing = 0;

          const transport: typeof fetch = async (input, init) => {
            const url = new URL(String(input));
            // Throws fetch's own TypeError (which quotes the value) for a header-unsafe token.
            const headers = new Headers(init?.headers);
            const id = headers.get('x-id')!;
            sends.set(id, (sends.get(id) ?? 0) + 1);
            const auth = headers.get('authorization');
            if (!firstWithToken.has(id)) firstWithToken.set(id, auth !== null);
            initialTokenSent ||= auth === initialToken;
            if (url.origin !== API && auth) leaks.push(id);
            await s.schedule(Promise.resolve(), `arrive ${id}`);
            if (url.origin !== API) return new Response('{}', { status: 200 });
            return new Response(null, { status: auth === `Bearer ${server.access}` ? 200 : refusal });
          };

          const session = createSession({
            tokens:
              start === 'anonymous'
                ? undefined
                : {
                    accessToken: server.access,
                    refreshToken: server.refresh,
                    // Stale: stored long ago, so refreshed before the first request uses it.
                    ...(start === 'stale' ? { expiresAt: Date.now() - 60_000 } : {}),
                  },
            origins: [API],
            fetch: transport,
            isUnauthorized: refusal === 403 ? (r) => r.status === 401 || r.status === 403 : undefined,
            refreshTimeout: 60,
            reauthTimeout: 60,
            retryDelay: { base: 1, max: 2 },
            refresh: async ({ refreshToken, signal, idempotencyKey }) => {
              refreshing++;
              maxRefreshing = Math.max(maxRefreshing, refreshing);
              try {
                const outcome = outcomes.shift() ?? 'ok';
                const pending =
                  outcome === 'hang'
                    ? new Promise<never>(() => {})
                    : s.schedule(Promise.resolve(outcome), 'refresh');
                await abortable(pending, signal);
                return server.answer(outcome, refreshToken, idempotencyKey);
              } finally {
                refreshing--;
              }
            },
            reauthenticate:
              reauth === 'none'
                ? undefined
                : async ({ signal }) => {
                    reauthAsked++;
                    await abortable(s.schedule(Promise.resolve(), 'dialog'), signal);
                    return reauth === 'accept' ? server.issue() : null;
                  },
          });
          for (const event of ['expired', 'reauth-required'] as const)
            session.on(event, () => seen.add(event));

          for (let i = 0; i < expiries; i++)
            s.schedule(Promise.resolve(), `expire ${i}`).then(() => server.expire());
          const settled = requests.map(() => false);
          const all = requests.map(async (r, i) => {
            await s.schedule(Promise.resolve(), `start ${i}`);
            const controller = new AbortController();
            if (r.abort) s.schedule(Promise.resolve(), `abort ${i}`).then(() => controller.abort());
            try {
              const res = await session.fetch(`${r.foreign ? OTHER : API}/x`, {
                method: r.withBody ? 'POST' : 'GET',
                ...(r.withBody ? { body: `body ${i}` } : {}),
                headers: { 'x-id': String(i) },
                signal: controller.signal,
              });
              finalStatus.set(String(i), res.status);
            } catch (error) {
              // Rejections are fine; hanging is not.
              errors.push(error);
            } finally {
              settled[i] = true;
            }
          });

          // Drive the scheduler; real timers (backoff, timeouts) get their turn between rounds.
          const deadline = Date.now() + 3_000;
          while (settled.includes(false) && Date.now() < deadline) {
            await s.waitAll();
            await new Promise((r) => setTimeout(r, 2));
          }
          await s.waitAll();
          expect(settled, `unsettled requests\n${s.report()}`).not.toContain(false);
          await Promise.all(all);
          expect(maxRefreshing).toBeLessThanOrEqual(1);
          for (const count of sends.values()) expect(count).toBeLessThanOrEqual(2);
          expect(leaks).toEqual([]);
          // An unsafe token is refused where it enters: it never reaches a header, an error or the session.
          for (const error of errors)
            expect(`${String(error)} ${(error as Error).stack}`).not.toContain(MARK);
          expect(session.getAccessToken() ?? '').not.toContain(MARK);
          // A refusal reaches the caller only after the replay was refused too (or if no credential went out).
          for (const [id, status] of finalStatus) {
            if (status === refusal && firstWithToken.get(id)) expect(sends.get(id), `request ${id}`).toBe(2);
          }
          // A spent refresh token is presented again only after a strict server lost its answer.
          expect(server.reuse).toBeLessThanOrEqual(idempotency ? 0 : server.lost);
          // Tokens stored long ago are refreshed before any request uses them, whatever the refresh does.
          if (start === 'stale') expect(initialTokenSent).toBe(false);
          if (start === 'anonymous') {
            // A visitor who never signed in is never asked to sign in and never "expires".
            expect(reauthAsked).toBe(0);
            expect([...seen]).toEqual([]);
          }
        },
      ),
      { numRuns: 200 },
    );
  });
});
