import { describe, expect, it } from 'vitest';
import { familyOf } from '../helpers.js';
import type { OpenWorld } from './world.js';

/** Logout and the access-token deny-list, against one store. */
export const logoutContract = (startWorld: OpenWorld) =>
  describe('logout', () => {
    it('with the refresh token: the access token is refused at once with 401 invalid_token, the refresh with revoked', async () => {
      const world = await startWorld({ accessTtl: 15 * 60_000 });
      const { accessToken, refreshToken } = await world.login();
      expect((await world.me(accessToken)).status).toBe(200);

      const out = await world.post('/auth/logout', { refreshToken });
      expect(out.status).toBe(204);

      const me = await world.me(accessToken);
      expect(me.status).toBe(401);
      expect(me.headers.get('www-authenticate')).toBe(
        'Bearer error="invalid_token", error_description="The access token was revoked"',
      );
      expect(JSON.parse(me.text)).toMatchObject({ error: 'invalid_token', reason: 'revoked' });
      const refresh = await world.refresh(refreshToken);
      expect(refresh.status).toBe(400);
      expect(JSON.parse(refresh.text)).toMatchObject({ error: 'invalid_grant', reason: 'revoked' });

      const familyId = familyOf(accessToken);
      expect(
        world.events.filter((e) => e.type === 'logout' || e.type === 'revoked').map((e) => e.type),
      ).toEqual(['logout', 'revoked']);
      // The deny-list entry lasts as long as the family's access tokens can: accessTtl from the logout.
      const until = (await world.family(familyId))!.accessDeniedUntil!;
      expect(until - world.events.at(-1)!.at).toBe(15 * 60_000);
    });

    it('with only the access token (no body): the family is revoked and the token refused', async () => {
      const world = await startWorld();
      const { accessToken, refreshToken } = await world.login();
      const out = await world.call('/auth/logout', {
        method: 'POST',
        headers: { authorization: `Bearer ${accessToken}` },
      });
      expect(out.status).toBe(204);
      expect((await world.me(accessToken)).status).toBe(401);
      expect(JSON.parse((await world.refresh(refreshToken)).text)).toMatchObject({ reason: 'revoked' });
      // Logging out again is not an error.
      const again = await world.call('/auth/logout', {
        method: 'POST',
        headers: { authorization: `Bearer ${accessToken}` },
      });
      expect(again.status).toBe(204);
    });

    it('another family of the same user is untouched', async () => {
      const world = await startWorld();
      const phone = await world.login();
      const laptop = await world.login();
      await world.post('/auth/logout', { refreshToken: phone.refreshToken });
      expect((await world.me(phone.accessToken)).status).toBe(401);
      expect((await world.me(laptop.accessToken)).status).toBe(200);
      expect((await world.refresh(laptop.refreshToken)).status).toBe(200);
    });
  });
