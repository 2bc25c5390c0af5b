import { describe, expect, it } from 'vitest';
import { type AuthWorld, type Reply, startAuthWorld } from './auth-world.js';
import { manualClock, USER } from './helpers.js';

const WRONG = 'not the password';

/** Logs in `times` times in a row, returning each status. */
async function attempts(world: AuthWorld, times: number, username = USER.username, password = WRONG) {
  const statuses: number[] = [];
  for (let i = 0; i < times; i++) statuses.push((await world.login(username, password)).status);
  return statuses;
}

function expectLocked(reply: Reply, seconds: number) {
  expect(reply.status, reply.text).toBe(429);
  expect(reply.headers.get('retry-after')).toBe(String(seconds));
  expect(JSON.parse(reply.text)).toMatchObject({ error: 'too_many_requests' });
  expect(reply.text).not.toContain('Token');
}

describe('login throttling', () => {
  it('off by default: 30 wrong passwords are 30 × 400', async () => {
    const world = await startAuthWorld();
    expect(new Set(await attempts(world, 30))).toEqual(new Set([400]));
  });

  for (const [label, username] of [
    ['a known account', USER.username],
    ['an unknown account (the same answers)', 'nobody@example.com'],
  ] as const) {
    it(`brute force on ${label}: 429 after 5 failures, the lockout doubles, even the right password waits`, async () => {
      const clock = manualClock();
      const world = await startAuthWorld({ clock: clock.read, auth: { loginThrottle: true } });
      expect(await attempts(world, 5, username)).toEqual([400, 400, 400, 400, 400]);
      expectLocked(await world.login(username, WRONG), 1);
      if (username === USER.username) expectLocked(await world.login(), 1); // no oracle while locked
      for (const seconds of [2, 4, 8, 16]) {
        clock.advance((seconds / 2) * 1000 - 1);
        expectLocked(await world.login(username, WRONG), 1); // not a millisecond early
        clock.advance(1);
        expect((await world.login(username, WRONG)).status).toBe(400); // one try after the lock…
        expectLocked(await world.login(username, WRONG), seconds); // …and twice as long
      }
    });
  }

  it('the lockout stops growing at maxLockout', async () => {
    const clock = manualClock();
    const world = await startAuthWorld({
      clock: clock.read,
      auth: { loginThrottle: { perAccount: 2, lockout: 1_000, maxLockout: 5_000 } },
    });
    const retries: string[] = [];
    await attempts(world, 2);
    for (let i = 0; i < 5; i++) {
      const locked = await world.login(USER.username, WRONG);
      retries.push(locked.headers.get('retry-after') ?? '');
      clock.advance(Number(locked.headers.get('retry-after')) * 1000);
      await world.login(USER.username, WRONG);
    }
    expect(retries).toEqual(['1', '2', '4', '5', '5']);
  });

  it('a success resets the account: 4 failures, a login, 4 more failures, still not locked', async () => {
    const clock = manualClock();
    const world = await startAuthWorld({ clock: clock.read, auth: { loginThrottle: true } });
    expect(await attempts(world, 4)).toEqual([400, 400, 400, 400]);
    expect((await world.login()).status).toBe(200);
    expect(await attempts(world, 4)).toEqual([400, 400, 400, 400]);
    expect((await world.login()).status).toBe(200);
    // After a lockout has run out, the right password gets in and clears it too.
    await attempts(world, 5);
    expectLocked(await world.login(), 1);
    clock.advance(1_000);
    expect((await world.login()).status).toBe(200);
    expect(await attempts(world, 4)).toEqual([400, 400, 400, 400]);
  });

  it('failures are forgotten after 15 minutes without one', async () => {
    const clock = manualClock();
    const world = await startAuthWorld({ clock: clock.read, auth: { loginThrottle: true } });
    await attempts(world, 4);
    clock.advance(15 * 60_000);
    expect(await attempts(world, 4)).toEqual([400, 400, 400, 400]);
    expect(await attempts(world, 2)).toEqual([400, 429]);
  });

  it('per address: 20 failures spread over 20 accounts lock the address, for every account', async () => {
    const clock = manualClock();
    const world = await startAuthWorld({ clock: clock.read, auth: { loginThrottle: true } });
    for (let i = 0; i < 20; i++) expect((await world.login(`user${i}@example.com`, WRONG)).status).toBe(400);
    expectLocked(await world.login('someone-else@example.com', WRONG), 1);
    expectLocked(await world.login(), 1); // the right password of an untouched account, from this address
    // A success does not reset the address (one good account must not unlock guessing at the others).
    clock.advance(1_000);
    expect((await world.login()).status).toBe(200);
    expect((await world.login('user99@example.com', WRONG)).status).toBe(400);
    expectLocked(await world.login('user98@example.com', WRONG), 2);
  });

  it('X-Forwarded-For is the address only with trustProxy (its last entry); IPv6 is keyed by /64', async () => {
    const clock = manualClock();
    const spoofing = await startAuthWorld({ clock: clock.read, auth: { loginThrottle: true } });
    for (let i = 0; i < 20; i++) {
      await spoofing.post(
        '/auth/login',
        { username: `u${i}`, password: WRONG },
        { 'x-forwarded-for': `10.0.0.${i}` },
      );
    }
    const spoofed = await spoofing.post(
      '/auth/login',
      { username: 'fresh', password: WRONG },
      { 'x-forwarded-for': '10.9.9.9' },
    );
    expectLocked(spoofed, 1); // the header is ignored: it is all 127.0.0.1

    const proxied = await startAuthWorld({
      clock: clock.read,
      auth: { loginThrottle: true, trustProxy: true },
    });
    const from = (address: string, username: string) =>
      proxied.post(
        '/auth/login',
        { username, password: WRONG },
        { 'x-forwarded-for': `6.6.6.6, ${address}` },
      );
    for (let i = 0; i < 20; i++) expect((await from(`2001:db8:1:2::${i + 1}`, `v${i}`)).status).toBe(400);
    expectLocked(await from('2001:db8:1:2:ffff::1', 'w'), 1); // same /64
    expect((await from('2001:db8:1:3::1', 'w')).status).toBe(400); // another /64
    expect((await from('203.0.113.7', 'x')).status).toBe(400); // the first entry (6.6.6.6) is not the key
  });

  it('a parallel flood is not a parallel guess: 50 concurrent logins, at most 5 password checks', async () => {
    let checks = 0;
    // The guards' clock stands still, so the 1 s lock cannot run out while a slow machine sends the 50
    // (after a lock, one more attempt is allowed by design); the password checks take real time.
    const clock = manualClock();
    const world = await startAuthWorld({
      clock: clock.read,
      auth: {
        loginThrottle: true,
        verifyPassword: async () => {
          checks++;
          await new Promise((resolve) => setTimeout(resolve, 50));
          return null;
        },
      },
    });
    const replies = await Promise.all(Array.from({ length: 50 }, () => world.login(USER.username, WRONG)));
    const statuses = replies.map((reply) => reply.status);
    expect(checks).toBeLessThanOrEqual(5);
    expect(statuses.filter((status) => status === 400)).toHaveLength(checks);
    expect(statuses.filter((status) => status === 429)).toHaveLength(50 - checks);
  });

  it('a throwing verifyPassword is a 500 that counts as no failure', async () => {
    const errors: unknown[] = [];
    const world = await startAuthWorld({
      auth: {
        loginThrottle: { perAccount: 1 },
        onError: (error) => errors.push(error),
        verifyPassword: () => {
          throw new Error('database down');
        },
      },
    });
    expect(await attempts(world, 3)).toEqual([500, 500, 500]);
    expect(errors).toHaveLength(3);
  });
});
