// What only the Redis store has: keys that expire by themselves, scripts run by SHA-1, key prefixes.
// The store contract itself runs in store-contract.test.ts.
import { setTimeout as sleep } from 'node:timers/promises';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTokenService } from '../src/index.js';
import { createRedisStore } from '../src/redis.js';
import { sha256 } from '../src/secrets.js';
import { type DbServer, startRedis } from './db-servers.js';
import { familyOf, SECRET } from './helpers.js';
import { redisHandle } from './store-handles.js';
import { uniqueName } from './stores.js';

let server: DbServer;
let client: Redis;
beforeAll(async () => {
  server = await startRedis();
  client = new Redis(server.url);
});
afterAll(async () => {
  client?.disconnect();
  await server?.stop();
});

const fresh = (options: { keepSpentFor?: number } = {}) => {
  const keyPrefix = `${uniqueName('ep')}:`;
  return { keyPrefix, store: createRedisStore({ client, keyPrefix, ...options }) };
};
const service = (store: ReturnType<typeof createRedisStore>, ttl: { access: number; refresh: number }) =>
  createTokenService({
    store,
    keys: [{ kid: 'k', alg: 'HS256', secret: SECRET }],
    accessTtl: ttl.access,
    refreshTtl: ttl.refresh,
  });
const redisFamily = (keyPrefix: string, familyId: string) =>
  redisHandle(createRedisStore({ client, keyPrefix }), keyPrefix).family(familyId);
const expiresAt = (key: string) => client.call('PEXPIRETIME', key) as Promise<number>;

describe('Redis store', () => {
  it('gives every key a TTL: tokens at their expiry (spent ones kept longer), the family with its last token, the deny-list entry at its end', async () => {
    const { keyPrefix, store } = fresh({ keepSpentFor: 60_000 });
    const tokens = service(store, { access: 60_000, refresh: 3_600_000 });
    const first = await tokens.issue('user-1');
    const familyId = familyOf(first.accessToken);
    const key = (kind: 't' | 'f' | 'd', id: string) => `${keyPrefix}${kind}:${id}`;
    const record = async (token: string) => (await store.findToken(sha256(token)))!;
    expect(await expiresAt(key('t', sha256(first.refreshToken)))).toBe(
      (await record(first.refreshToken)).expiresAt,
    );
    expect(await expiresAt(key('f', familyId))).toBe((await record(first.refreshToken)).expiresAt);

    const rotated = await tokens.refresh(first.refreshToken);
    if (!rotated.ok) throw new Error('no rotation');
    const second = await record(rotated.tokens.refreshToken);
    expect(await expiresAt(key('t', second.hash))).toBe(second.expiresAt);
    expect(await expiresAt(key('f', familyId))).toBe(second.expiresAt);

    await tokens.logout(rotated.tokens.refreshToken);
    const { accessDeniedUntil } = (await redisFamily(keyPrefix, familyId))!;
    expect(await expiresAt(key('d', familyId))).toBe(accessDeniedUntil);
    const keys = await client.keys(`${keyPrefix}*`);
    expect(keys).toHaveLength(4);
    for (const each of keys) expect(await expiresAt(each)).toBeGreaterThan(Date.now());
  });

  it('lets expired data disappear: tokens, families and deny-list entries are gone once they lapse', async () => {
    const { keyPrefix, store } = fresh({ keepSpentFor: 0 });
    const tokens = service(store, { access: 150, refresh: 300 });
    const a = await tokens.issue('user-1');
    const b = await tokens.issue('user-2');
    await tokens.logout(b.refreshToken);
    expect(await store.isAccessDenied(familyOf(b.accessToken), Date.now())).toBe(true);
    expect((await client.keys(`${keyPrefix}*`)).length).toBe(5);
    await sleep(400);
    expect(await client.keys(`${keyPrefix}*`)).toEqual([]);
    // An expired token whose key is gone is answered as unknown: refused, and nothing is revoked.
    expect(await tokens.refresh(a.refreshToken)).toEqual({ ok: false, reason: 'unknown' });
  });

  it('keeps a spent token for keepSpentFor after its rotation even when it expires sooner, for the grace rules', async () => {
    const { store } = fresh({ keepSpentFor: 60_000 });
    const now = Date.now();
    const parent = {
      hash: 'parent',
      familyId: 'family',
      subject: 'user-1',
      issuedAt: now,
      expiresAt: now + 200,
    };
    await store.createFamily(parent);
    const child = { ...parent, hash: 'child', expiresAt: now + 3_600_000 };
    const step = { parentHash: 'parent', now, child, successor: 'sealed', idempotencyKey: null };
    expect(await store.rotate(step)).toEqual({ rotated: true });
    await sleep(300);
    expect(await store.findToken('parent')).toMatchObject({ spentAt: now, successor: 'sealed' });
  });

  it('sends a script again when the server lost it (restart, SCRIPT FLUSH)', async () => {
    const { store } = fresh();
    const tokens = service(store, { access: 60_000, refresh: 60_000 });
    const issued = await tokens.issue('user-1');
    await client.script('FLUSH');
    expect(await tokens.refresh(issued.refreshToken)).toMatchObject({ ok: true, via: 'rotation' });
  });

  it('works under the client’s own keyPrefix too', async () => {
    const prefixed = new Redis(server.url, { keyPrefix: 'app:' });
    try {
      const keyPrefix = `${uniqueName('ep')}:`;
      const tokens = service(createRedisStore({ client: prefixed, keyPrefix }), {
        access: 60_000,
        refresh: 60_000,
      });
      const issued = await tokens.issue('user-1');
      const rotated = await tokens.refresh(issued.refreshToken);
      expect(rotated).toMatchObject({ ok: true, via: 'rotation' });
      expect(await tokens.refresh(issued.refreshToken)).toMatchObject({ ok: true, via: 'reuse-interval' });
      expect((await client.keys(`app:${keyPrefix}*`)).length).toBe(3);
    } finally {
      prefixed.disconnect();
    }
  });
});
