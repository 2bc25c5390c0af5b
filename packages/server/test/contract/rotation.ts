import { describe, expect, it } from 'vitest';
import { sha256 } from '../../src/secrets.js';
import { familyOf, manualClock } from '../helpers.js';
import type { OpenWorld } from './world.js';

/** Rotation and expiry through the HTTP handler, against one store. */
export const rotationContract = (startWorld: OpenWorld) =>
  describe('rotation', () => {
    it('login then refresh: a new pair, the old refresh token spent, the new access token accepted', async () => {
      const world = await startWorld();
      const first = await world.login();
      expect(first).toMatchObject({ tokenType: 'Bearer', expiresIn: 60 });
      expect(first.refreshToken).toMatch(/^[A-Za-z0-9_-]{43}$/);
      expect((await world.me(first.accessToken)).status).toBe(200);

      const answer = await world.refresh(first.refreshToken);
      expect(answer.status).toBe(200);
      expect(answer.headers.get('cache-control')).toBe('no-store');
      const second = JSON.parse(answer.text);
      expect(second.refreshToken).not.toBe(first.refreshToken);
      expect(second.accessToken).not.toBe(first.accessToken);
      expect(familyOf(second.accessToken)).toBe(familyOf(first.accessToken));
      const me = await world.me(second.accessToken);
      expect(JSON.parse(me.text)).toEqual({ subject: 'user-1' });

      // The store holds hashes only: one spent row (the first token), one current row (the second).
      const rows = await world.tokensOf(familyOf(first.accessToken));
      expect(rows.map((r) => r.hash)).toEqual([sha256(first.refreshToken), sha256(second.refreshToken)]);
      expect(rows.map((r) => r.spentAt !== null)).toEqual([true, false]);
      const dump = await world.dump();
      expect(dump).toContain(sha256(first.refreshToken));
      expect(dump).not.toContain(first.refreshToken);
      expect(dump).not.toContain(second.refreshToken);
      expect(dump).not.toContain(second.accessToken);

      // And the new token rotates again.
      const third = await world.refresh(second.refreshToken);
      expect(third.status).toBe(200);
      expect(world.count('rotated')).toBe(2);
      expect(world.count('revoked')).toBe(0);
    });

    it('a refresh token past refreshTtl is refused with reason expired, and does not revoke the family', async () => {
      const clock = manualClock();
      const world = await startWorld({ clock: clock.read, refreshTtl: 60_000, accessTtl: 10_000 });
      const { refreshToken } = await world.login();
      clock.advance(60_000);
      const answer = await world.refresh(refreshToken);
      expect(answer.status).toBe(400);
      expect(JSON.parse(answer.text)).toMatchObject({ error: 'invalid_grant', reason: 'expired' });
      expect(world.count('revoked')).toBe(0);
    });

    it('the store rotates a token for exactly one caller; the loser gets the spent parent', async () => {
      const world = await startWorld();
      const { refreshToken, accessToken } = await world.login();
      const familyId = familyOf(accessToken);
      const child = (hash: string) => ({
        hash,
        familyId,
        subject: 'user-1',
        issuedAt: 1,
        expiresAt: Date.now() + 60_000,
      });
      const step = (hash: string) => ({
        parentHash: sha256(refreshToken),
        now: Date.now(),
        child: child(hash),
        successor: 'sealed',
        idempotencyKey: null,
      });
      const [a, b] = await Promise.all([
        world.store.rotate(step('child-a')),
        world.store.rotate(step('child-b')),
      ]);
      expect(a).toEqual({ rotated: true });
      expect(b).toMatchObject({
        rotated: false,
        parent: { spentAt: expect.any(Number), successor: 'sealed' },
      });
      expect(await world.tokensOf(familyId)).toHaveLength(2);
    });
  });
