import { createPublicKey, type KeyObject } from 'node:crypto';
import { createLocalJWKSet, decodeProtectedHeader, jwtVerify } from 'jose';
import { describe, expect, it } from 'vitest';
import { createTokenService, generateSigningKey, type SigningKey } from '../src/index.js';
import { fileStore, startWorld } from './helpers.js';

describe('keys', () => {
  it('ES256: tokens carry the kid, and a third party verifies them with the served JWKS', async () => {
    const key = generateSigningKey('ES256', 'es-1');
    const world = await startWorld({ keys: [key, { kid: 'hs-old', alg: 'HS256', secret: 'x'.repeat(32) }] });
    const { accessToken } = await world.login();
    expect(decodeProtectedHeader(accessToken)).toEqual({ alg: 'ES256', kid: 'es-1', typ: 'at+jwt' });

    const answer = await world.call('/.well-known/jwks.json');
    expect(answer.status).toBe(200);
    expect(answer.headers.get('cache-control')).toBe('public, max-age=300');
    const jwks = JSON.parse(answer.text);
    // Only the public half of the ES256 key: no private `d`, and the HMAC secret is never published.
    expect(jwks.keys).toHaveLength(1);
    expect(jwks.keys[0]).toMatchObject({ kty: 'EC', crv: 'P-256', kid: 'es-1', alg: 'ES256', use: 'sig' });
    expect(jwks.keys[0].d).toBeUndefined();
    const { payload } = await jwtVerify(accessToken, createLocalJWKSet(jwks));
    expect(payload).toMatchObject({ sub: 'user-1', sid: expect.any(String) });
  });

  it('rotation: the newest key signs, older keys still verify, dropped keys no longer do', async () => {
    const { store } = fileStore();
    const old = generateSigningKey('ES256', 'old');
    const next = generateSigningKey('ES256', 'new');
    const service = (keys: SigningKey[]) =>
      createTokenService({ store, keys, accessTtl: 60_000, refreshTtl: 60_000 });

    const before = await service([old]).issue('user-1');
    // The old key's public half is enough to verify what it signed.
    const during = service([
      next,
      { kid: 'old', alg: 'ES256', publicKey: createPublicKey(old.privateKey as KeyObject) },
    ]);
    expect(await during.verify(before.accessToken)).toMatchObject({ ok: true, subject: 'user-1' });
    const rotated = await during.refresh(before.refreshToken);
    expect(rotated.ok && decodeProtectedHeader(rotated.tokens.accessToken).kid).toBe('new');
    expect(during.jwks().keys.map((k) => k.kid)).toEqual(['new', 'old']);

    const after = service([next]);
    expect(await after.verify(before.accessToken)).toEqual({ ok: false, reason: 'invalid' });
    expect(rotated.ok && (await after.verify(rotated.tokens.accessToken)).ok).toBe(true);
  });

  it('refuses unusable key rings', () => {
    const { store } = fileStore();
    const make = (keys: SigningKey[]) => () =>
      createTokenService({ store, keys, accessTtl: 1, refreshTtl: 1 });
    expect(make([])).toThrow(/at least one/);
    expect(make([{ kid: 'a', alg: 'HS256', secret: 'short' }])).toThrow(/32 bytes/);
    const pub = generateSigningKey('ES256', 'p');
    expect(make([{ kid: 'p', alg: 'ES256', publicKey: pub.privateKey }])).toThrow(/first key signs/);
    expect(make([pub, pub])).toThrow(/appears twice/);
  });
});
