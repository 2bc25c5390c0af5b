import { describe, expect, it } from 'vitest';
import { familyOf, manualClock } from '../helpers.js';
import type { OpenWorld } from './world.js';

/** Grace rule (a), against one store. */
export const graceContract = (startWorld: OpenWorld) =>
  describe('grace rule (a): reuse interval', () => {
    it('racers presenting one token within the interval all get the same current pair; one rotation, no revocation', async () => {
      const world = await startWorld();
      const { refreshToken, accessToken } = await world.login();
      const answers = await Promise.all(Array.from({ length: 25 }, () => world.refresh(refreshToken)));
      expect(answers.map((a) => a.status)).toEqual(Array(25).fill(200));
      expect(new Set(answers.map((a) => a.text)).size).toBe(1);
      expect(world.count('rotated')).toBe(1);
      expect(world.count('replayed')).toBe(24);
      expect(world.count('revoked') + world.count('reuse-detected')).toBe(0);
      expect(await world.tokensOf(familyOf(accessToken))).toHaveLength(2);
      // The answer every racer got is the family's current token, and it works.
      const current = JSON.parse(answers[0]!.text);
      expect((await world.refresh(current.refreshToken)).status).toBe(200);
    });

    it('a token spent twice over within the interval is answered with the newest pair (the family moved on)', async () => {
      const clock = manualClock();
      const world = await startWorld({ clock: clock.read });
      const t0 = await world.login();
      const t1 = JSON.parse((await world.refresh(t0.refreshToken)).text);
      clock.advance(3_000);
      const t2 = JSON.parse((await world.refresh(t1.refreshToken)).text);
      clock.advance(3_000);
      const late = await world.refresh(t0.refreshToken);
      expect(late.status).toBe(200);
      expect(JSON.parse(late.text)).toEqual(t2);
      expect(world.count('revoked')).toBe(0);
    });

    it('the same token presented after the interval is reuse: the family is revoked and reported', async () => {
      const clock = manualClock();
      const world = await startWorld({ clock: clock.read });
      const t0 = await world.login();
      const t1 = JSON.parse((await world.refresh(t0.refreshToken)).text);
      clock.advance(10_000);
      const replay = await world.refresh(t0.refreshToken);
      expect(replay.status).toBe(400);
      expect(JSON.parse(replay.text)).toMatchObject({ error: 'invalid_grant', reason: 'reused' });
      const familyId = familyOf(t0.accessToken);
      expect(world.events.filter((e) => e.type === 'reuse-detected' || e.type === 'revoked')).toEqual([
        { type: 'reuse-detected', spentAt: expect.any(Number), at: clock.now, familyId, subject: 'user-1' },
        { type: 'revoked', reason: 'reuse', at: clock.now, familyId, subject: 'user-1' },
      ]);
      expect((await world.family(familyId))?.revokedReason).toBe('reuse');
      // The whole family is dead: the current refresh token and the current access token too.
      const current = await world.refresh(t1.refreshToken);
      expect(JSON.parse(current.text)).toMatchObject({ reason: 'revoked' });
      expect((await world.me(t1.accessToken)).status).toBe(401);
    });

    it('reuseInterval 0 turns the rule off: the second presentation revokes', async () => {
      const world = await startWorld({ reuseInterval: 0 });
      const { refreshToken } = await world.login();
      expect((await world.refresh(refreshToken)).status).toBe(200);
      const again = await world.refresh(refreshToken);
      expect(JSON.parse(again.text)).toMatchObject({ reason: 'reused' });
      expect(world.count('reuse-detected')).toBe(1);
    });
  });
