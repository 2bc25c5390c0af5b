import { describe, expect, it } from 'vitest';
import type { NewRefreshToken, RotationStep } from '../../src/store.js';
import type { StoreHandle } from '../store-handles.js';

let serial = 0;
const HOUR = 3_600_000;

/** The `RefreshTokenStore` interface itself, called directly, against one store. */
export const storeOperationsContract = (open: () => Promise<StoreHandle>) =>
  describe('store operations', () => {
    const now = Date.now();
    const token = (familyId: string, expiresAt = now + HOUR): NewRefreshToken => ({
      hash: `hash-${++serial}-${Math.random().toString(36).slice(2)}`,
      familyId,
      subject: 'user-1',
      issuedAt: now,
      expiresAt,
    });
    const family = () => `family-${++serial}-${Math.random().toString(36).slice(2)}`;
    const step = (parent: NewRefreshToken, at = now, key: string | null = null): RotationStep => ({
      parentHash: parent.hash,
      now: at,
      child: token(parent.familyId),
      successor: `sealed-${parent.hash}`,
      idempotencyKey: key,
    });

    it('stores a family and finds its token, field by field; an unknown hash is undefined', async () => {
      const { store } = await open();
      const first = token(family());
      await store.createFamily(first);
      expect(await store.findToken(first.hash)).toEqual({
        ...first,
        spentAt: null,
        successor: null,
        idempotencyKey: null,
        familyRevokedAt: null,
      });
      expect(await store.findToken('no-such-hash')).toBeUndefined();
      await expect(store.createFamily({ ...token(first.familyId) })).rejects.toThrow();
    });

    it('rotates a token for exactly one of 20 concurrent callers; the others get it spent, with the winner’s answer', async () => {
      const { store } = await open();
      const parent = token(family());
      await store.createFamily(parent);
      const steps = Array.from({ length: 20 }, (_, i) => step(parent, now + 1, `key-${i}`));
      const results = await Promise.all(steps.map((s) => store.rotate(s)));
      const winners = results.flatMap((r, i) => (r.rotated ? [i] : []));
      expect(winners).toHaveLength(1);
      const winner = steps[winners[0]!]!;
      for (const result of results.filter((r) => !r.rotated))
        expect(result).toEqual({
          rotated: false,
          parent: {
            ...parent,
            spentAt: now + 1,
            successor: winner.successor,
            idempotencyKey: winner.idempotencyKey,
            familyRevokedAt: null,
          },
        });
      expect(await store.findToken(winner.child.hash)).toMatchObject({ spentAt: null, successor: null });
      for (const loser of steps.filter((s) => s !== winner))
        expect(await store.findToken(loser.child.hash)).toBeUndefined();
    });

    it('refuses to rotate an expired, unknown or revoked-family token, or into another family', async () => {
      const { store } = await open();
      const expiring = token(family());
      await store.createFamily(expiring);
      const late = await store.rotate(step(expiring, expiring.expiresAt));
      expect(late).toEqual({ rotated: false, parent: expect.objectContaining({ spentAt: null }) });
      expect(await store.rotate(step(token(family())))).toEqual({ rotated: false, parent: undefined });

      const revoked = token(family());
      await store.createFamily(revoked);
      await store.revokeFamily(revoked.familyId, {
        at: now,
        reason: 'logout',
        denyAccessUntil: now + 60_000,
      });
      expect(await store.rotate(step(revoked))).toEqual({
        rotated: false,
        parent: expect.objectContaining({ spentAt: null, familyRevokedAt: now }),
      });

      const mine = token(family());
      await store.createFamily(mine);
      await expect(store.rotate({ ...step(mine), child: token(family()) })).rejects.toThrow(/family/);
      expect(await store.findToken(mine.hash)).toMatchObject({ spentAt: null });
    });

    it('revokes a family once, and deny-lists its access tokens until the given time', async () => {
      const { store } = await open();
      const first = token(family());
      await store.createFamily(first);
      const revocation = { at: now, reason: 'reuse', denyAccessUntil: now + 60_000 } as const;
      expect(await store.isAccessDenied(first.familyId, now)).toBe(false);
      expect(await store.revokeFamily(first.familyId, revocation)).toEqual({ subject: 'user-1' });
      expect(await store.revokeFamily(first.familyId, { ...revocation, at: now + 1 })).toBeUndefined();
      expect(await store.revokeFamily(family(), revocation)).toBeUndefined();
      expect(await store.findToken(first.hash)).toMatchObject({ familyRevokedAt: now });
      expect(await store.isAccessDenied(first.familyId, now + 59_999)).toBe(true);
      expect(await store.isAccessDenied(first.familyId, now + 60_000)).toBe(false);
      expect(await store.isAccessDenied(family(), now)).toBe(false);
    });
  });
