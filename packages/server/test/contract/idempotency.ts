import { describe, expect, it } from 'vitest';
import { familyOf, manualClock } from '../helpers.js';
import type { OpenWorld } from './world.js';

/** Grace rule (b), against one store. */
export const idempotencyContract = (startWorld: OpenWorld) =>
  describe('grace rule (b): Idempotency-Key', () => {
    it('a retry with the same key gets byte-identical answers and exactly one rotation', async () => {
      const world = await startWorld();
      const { refreshToken, accessToken } = await world.login();
      const first = await world.refresh(refreshToken, 'key-1');
      const retry = await world.refresh(refreshToken, 'key-1');
      const quoted = await world.refresh(refreshToken, '"key-1"');
      expect([first.status, retry.status, quoted.status]).toEqual([200, 200, 200]);
      expect(retry.text).toBe(first.text);
      expect(quoted.text).toBe(first.text);
      expect(world.count('rotated')).toBe(1);
      expect(
        world.events.filter((e) => e.type === 'replayed').map((e) => e.type === 'replayed' && e.rule),
      ).toEqual(['idempotency-key', 'idempotency-key']);
      expect(await world.tokensOf(familyOf(accessToken))).toHaveLength(2);
    });

    it('works with the reuse interval off: same key → same answer, no key → reuse', async () => {
      const world = await startWorld({ reuseInterval: 0, idempotencyInterval: 10_000 });
      const { refreshToken } = await world.login();
      const first = await world.refresh(refreshToken, 'lost-answer');
      expect((await world.refresh(refreshToken, 'lost-answer')).text).toBe(first.text);
      expect(world.count('revoked')).toBe(0);
      const other = await world.refresh(refreshToken, 'another-key');
      expect(JSON.parse(other.text)).toMatchObject({ reason: 'reused' });
      expect(world.count('revoked')).toBe(1);
    });

    it('answers that rotation even after the family moved on, and not after the interval', async () => {
      const clock = manualClock();
      const world = await startWorld({ clock: clock.read });
      const t0 = await world.login();
      const first = await world.refresh(t0.refreshToken, 'k');
      const t1 = JSON.parse(first.text);
      clock.advance(1_000);
      await world.refresh(t1.refreshToken);
      const retry = await world.refresh(t0.refreshToken, 'k');
      expect(retry.text).toBe(first.text);
      clock.advance(9_000);
      const late = await world.refresh(t0.refreshToken, 'k');
      expect(JSON.parse(late.text)).toMatchObject({ reason: 'reused' });
    });

    it('refuses a malformed key with 400 invalid_request, before any rotation', async () => {
      const world = await startWorld();
      const { refreshToken } = await world.login();
      const answer = await world.refresh(refreshToken, 'x'.repeat(256));
      expect(answer.status).toBe(400);
      expect(JSON.parse(answer.text)).toMatchObject({ error: 'invalid_request' });
      expect(world.count('rotated')).toBe(0);
    });
  });
