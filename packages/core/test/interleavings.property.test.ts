/**
 * Random interleavings of request starts, server-side expiry, refresh outcomes, aborts and
 * re-authentication, driven by fast-check's scheduler. The transport here is a fake (the real-server
 * suites cover the same behaviour over HTTP); what it adds is thousands of orderings no timed test reaches.
 */
import { createSession, HttpStatusError, type Tokens } from '@expiryproof/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

const API = 'http://api.test';
const OTHER = 'http://other.test';

type Outcome = 'ok' | 'transient' | 'rejected' | 'hang';

/** A rotating-token server in memory: only the newest access token is valid; spent refresh tokens count as reuse. */
function fakeServer() {
  let n = 0;
  const server = {
    access: 'a0',
    refresh: 'r0',
    spent: new Set<string>(),
    reuse: 0,
    expire() {
      server.access = `expired-${++n}`;
    },
    issue(): Tokens {
      server.access = `a${++n}`;
      server.refresh = `r${n}`;
      return { accessToken: server.access, refreshToken: server.refresh };
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
  it('every request settles, one refresh at a time, each request sent at most twice, no token leaves its origins, no refresh token reused', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.scheduler(),
        fc.array(fc.record({ foreign: fc.boolean(), abort: fc.boolean(), withBody: fc.boolean() }), {
          minLength: 1,
          maxLength: 8,
        }),
        fc.array(fc.constantFrom<Outcome>('ok', 'ok', 'transient', 'rejected', 'hang'), { maxLength: 4 }),
        fc.integer({ min: 0, max: 3 }),
        fc.constantFrom<'none' | 'accept' | 'decline'>('none', 'accept', 'decline'),
        async (s, requests, outcomes, expiries, reauth) => {
          const server = fakeServer();
          const sends = new Map<string, number>();
          const leaks: string[] = [];
          let refreshing = 0;
          let maxRefreshing = 0;

          const transport: typeof fetch = async (input, init) => {
            const url = new URL(String(input));
            const headers = new Headers(init?.headers);
            const id = headers.get('x-id')!;
            sends.set(id, (sends.get(id) ?? 0) + 1);
            const auth = headers.get('authorization');
            if (url.origin !== API && auth) leaks.push(id);
            await s.schedule(Promise.resolve(), `arrive ${id}`);
            if (url.origin !== API) return new Response('{}', { status: 200 });
            return new Response(null, { status: auth === `Bearer ${server.access}` ? 200 : 401 });
          };

          const session = createSession({
            tokens: { accessToken: server.access, refreshToken: server.refresh },
            origins: [API],
            fetch: transport,
            refreshTimeout: 60,
            reauthTimeout: 60,
            retryDelay: { base: 1, max: 2 },
            refresh: async ({ refreshToken, signal }) => {
              refreshing++;
              maxRefreshing = Math.max(maxRefreshing, refreshing);
              try {
                const outcome = outcomes.shift() ?? 'ok';
                const pending =
                  outcome === 'hang'
                    ? new Promise<never>(() => {})
                    : s.schedule(Promise.resolve(outcome), 'refresh');
                await abortable(pending, signal);
                if (outcome === 'transient') throw new HttpStatusError(503);
                if (outcome === 'rejected' || refreshToken !== server.refresh) {
                  if (refreshToken && server.spent.has(refreshToken)) server.reuse++;
                  throw new HttpStatusError(401);
                }
                server.spent.add(refreshToken!);
                return server.issue();
              } finally {
                refreshing--;
              }
            },
            reauthenticate:
              reauth === 'none'
                ? undefined
                : async ({ signal }) => {
                    await abortable(s.schedule(Promise.resolve(), 'dialog'), signal);
                    return reauth === 'accept' ? server.issue() : null;
                  },
          });

          for (let i = 0; i < expiries; i++)
            s.schedule(Promise.resolve(), `expire ${i}`).then(() => server.expire());
          const settled = requests.map(() => false);
          const all = requests.map(async (r, i) => {
            await s.schedule(Promise.resolve(), `start ${i}`);
            const controller = new AbortController();
            if (r.abort) s.schedule(Promise.resolve(), `abort ${i}`).then(() => controller.abort());
            try {
              await session.fetch(`${r.foreign ? OTHER : API}/x`, {
                method: r.withBody ? 'POST' : 'GET',
                ...(r.withBody ? { body: `body ${i}` } : {}),
                headers: { 'x-id': String(i) },
                signal: controller.signal,
              });
            } catch {
              // Rejections are fine; hanging is not.
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
          expect(server.reuse).toBe(0);
        },
      ),
      { numRuns: 150 },
    );
  });
});
