import { describe, expect, it } from 'vitest';
import type { IssuedTokens } from '../src/index.js';
import { type AuthWorld, startAuthWorld } from './auth-world.js';
import { manualClock } from './helpers.js';

async function login(world: AuthWorld): Promise<IssuedTokens> {
  const reply = await world.login();
  if (reply.status !== 200) throw new Error(`login answered ${reply.status}`);
  return JSON.parse(reply.text) as IssuedTokens;
}

const refresh = (world: AuthWorld, refreshToken: string, idempotencyKey?: string) =>
  world.post(
    '/auth/refresh',
    { refreshToken },
    idempotencyKey === undefined ? {} : { 'idempotency-key': idempotencyKey },
  );

/** Rotates `times` times from `token`; returns the last pair. */
async function rotate(world: AuthWorld, token: string, times: number): Promise<IssuedTokens> {
  let refreshToken = token;
  let last: IssuedTokens | undefined;
  for (let i = 0; i < times; i++) {
    const reply = await refresh(world, refreshToken);
    expect(reply.status, `rotation ${i + 1}: ${reply.text}`).toBe(200);
    last = JSON.parse(reply.text) as IssuedTokens;
    refreshToken = last.refreshToken;
  }
  if (!last) throw new Error('no rotation');
  return last;
}

describe('refresh rate limit per family', () => {
  it('default (true): 30 rotations in a minute, the 31st is 429 + Retry-After; the token survives it', async () => {
    const clock = manualClock();
    const world = await startAuthWorld({ clock: clock.read, auth: { refreshRateLimit: true } });
    const last = await rotate(world, (await login(world)).refreshToken, 30);
    const refused = await refresh(world, last.refreshToken);
    expect(refused.status).toBe(429);
    expect(refused.headers.get('retry-after')).toBe('60');
    expect(refused.text).not.toContain(last.refreshToken);
    expect(world.count('rotated')).toBe(30);
    expect(world.count('revoked')).toBe(0);
    // Nothing was spent: after the wait, the same token rotates.
    clock.advance(60_000);
    expect((await refresh(world, last.refreshToken)).status).toBe(200);
  });

  it('off by default: 40 rotations in the same millisecond all pass', async () => {
    const clock = manualClock();
    const world = await startAuthWorld({ clock: clock.read });
    await rotate(world, (await login(world)).refreshToken, 40);
    expect(world.count('rotated')).toBe(40);
  });

  it('a sliding window: Retry-After is when the oldest counted rotation leaves it', async () => {
    const clock = manualClock();
    const world = await startAuthWorld({
      clock: clock.read,
      auth: { refreshRateLimit: { max: 3, window: 60_000 } },
    });
    let token = (await login(world)).refreshToken;
    for (let i = 0; i < 3; i++) {
      token = (await rotate(world, token, 1)).refreshToken;
      clock.advance(10_000); // rotations at 0 s, 10 s, 20 s
    }
    const refused = await refresh(world, token); // at 30 s
    expect(refused.status).toBe(429);
    expect(refused.headers.get('retry-after')).toBe('30');
    clock.advance(29_999);
    expect((await refresh(world, token)).status).toBe(429); // the 0 s rotation is still inside
    clock.advance(1);
    token = (await rotate(world, token, 1)).refreshToken; // at 60 s: it left
    expect((await refresh(world, token)).headers.get('retry-after')).toBe('10'); // the 10 s one is next
  });

  it('grace replays (reuse interval, Idempotency-Key) neither count nor are refused', async () => {
    const clock = manualClock();
    const world = await startAuthWorld({
      clock: clock.read,
      auth: { refreshRateLimit: { max: 2, window: 60_000 } },
    });
    const first = await login(world);
    const keyed = await refresh(world, first.refreshToken, 'key-1'); // rotation 1
    expect(keyed.status).toBe(200);
    for (let i = 0; i < 5; i++) {
      expect((await refresh(world, first.refreshToken, 'key-1')).text).toBe(keyed.text); // idempotent replay
      expect((await refresh(world, first.refreshToken)).status).toBe(200); // reuse-interval replay
    }
    const second = JSON.parse(keyed.text) as IssuedTokens;
    const third = await rotate(world, second.refreshToken, 1); // rotation 2: the replays did not count
    expect((await refresh(world, third.refreshToken)).status).toBe(429); // rotation 3: refused
    // At the limit, a replay of a spent token is still answered (it spends nothing).
    expect((await refresh(world, second.refreshToken)).status).toBe(200);
    expect(world.count('rotated')).toBe(2);
    expect(world.count('replayed')).toBe(11);
  });

  it('families are limited apart', async () => {
    const clock = manualClock();
    const world = await startAuthWorld({
      clock: clock.read,
      auth: { refreshRateLimit: { max: 2, window: 60_000 } },
    });
    const a = await rotate(world, (await login(world)).refreshToken, 2);
    expect((await refresh(world, a.refreshToken)).status).toBe(429);
    await rotate(world, (await login(world)).refreshToken, 2);
  });
});
