// A refresh whose answer is lost after the server rotated, end to end: @expiryproof/core in front, this
// package's handler behind, and between them a relay on 127.0.0.1 that lets the server answer and then cuts
// the client's connection (the answer never arrives, as on a train going into a tunnel). The reuse interval
// is 0 (grace rule (a) off) and the idempotency interval 10 s, so only the Idempotency-Key can make the retry
// safe.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createSession, type Session } from '@expiryproof/core';
import { afterEach, describe, expect, it } from 'vitest';
import type { IssuedTokens } from '../src/index.js';
import { startWorld } from './helpers.js';

const open: Array<() => unknown> = [];
afterEach(async () => {
  for (const close of open.splice(0).reverse()) await close();
});

/** Relays to `upstream`; `dropNextRefresh()` makes the next refresh's answer vanish after the server sent it. */
async function startRelay(upstream: string) {
  let drop = false;
  const server = http.createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const headers = new Headers();
    for (let i = 0; i < req.rawHeaders.length; i += 2) {
      const name = req.rawHeaders[i]!;
      if (name.toLowerCase() !== 'host' && name.toLowerCase() !== 'connection')
        headers.append(name, req.rawHeaders[i + 1]!);
    }
    const answer = await fetch(`${upstream}${req.url}`, {
      method: req.method ?? 'GET',
      headers,
      ...(chunks.length ? { body: Buffer.concat(chunks) } : {}),
    });
    const body = Buffer.from(await answer.arrayBuffer());
    if (drop && req.url === '/auth/refresh') {
      drop = false;
      // The server has rotated and answered; the client hears nothing but a closed connection.
      req.socket.destroy();
      return;
    }
    res.writeHead(answer.status, { 'content-type': answer.headers.get('content-type') ?? 'text/plain' });
    res.end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  open.push(
    () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(resolve);
      }),
  );
  return {
    origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    dropNextRefresh: () => {
      drop = true;
    },
  };
}

/** A session whose access token has already expired, refreshing through the relay. */
function sessionThrough(relay: string, issued: IssuedTokens, sendKey: boolean): Session {
  const session = createSession({
    origins: [relay],
    tokens: {
      accessToken: issued.accessToken,
      refreshToken: issued.refreshToken,
      expiresAt: Date.now() - 1_000,
    },
    retryDelay: { base: 50, max: 100 },
    refresh: async ({ refreshToken, idempotencyKey, signal }) => {
      const res = await fetch(`${relay}/auth/refresh`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          ...(sendKey ? { 'idempotency-key': idempotencyKey } : {}),
        },
        body: JSON.stringify({ refreshToken }),
        signal,
      });
      if (!res.ok) throw Object.assign(new Error(`refresh answered ${res.status}`), { status: res.status });
      const tokens = (await res.json()) as IssuedTokens;
      return {
        accessToken: tokens.accessToken,
        refreshToken: tokens.refreshToken,
        expiresAt: tokens.expiresAt,
      };
    },
  });
  open.push(() => session.dispose());
  return session;
}

describe('a refresh answer lost after the server rotated', () => {
  it("with core's Idempotency-Key: one rotation, the retry gets the same answer, nobody is signed out", async () => {
    const world = await startWorld({ reuseInterval: 0, idempotencyInterval: 10_000 });
    const relay = await startRelay(world.origin);
    const session = sessionThrough(relay.origin, await world.login(), true);
    relay.dropNextRefresh();
    const me = await session.fetch(`${relay.origin}/api/me`);
    expect(me.status).toBe(200);
    expect(session.getStatus()).toBe('active');
    expect(world.count('rotated')).toBe(1);
    expect(
      world.events.filter((e) => e.type === 'replayed').map((e) => e.type === 'replayed' && e.rule),
    ).toEqual(['idempotency-key']);
    expect(world.count('reuse-detected')).toBe(0);
  });

  it('without the key (the control): the retry is reuse, the family is revoked and the session ends', async () => {
    const world = await startWorld({ reuseInterval: 0, idempotencyInterval: 10_000 });
    const relay = await startRelay(world.origin);
    const session = sessionThrough(relay.origin, await world.login(), false);
    relay.dropNextRefresh();
    // The request parked behind the refresh shares the session's end: the server revoked the family.
    await expect(session.fetch(`${relay.origin}/api/me`)).rejects.toThrow(
      'Session expired (refresh-outcome-lost)',
    );
    expect(session.getStatus()).toBe('expired');
    expect(world.count('rotated')).toBe(1);
    expect(world.count('reuse-detected')).toBe(1);
  });
});
