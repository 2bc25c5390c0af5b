import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { AuthProcess } from '@expiryproof/auth-server';
import type { Peer, PeerSetup } from '../peers/types.js';

export type MakePeer = (setup: PeerSetup) => Peer;

async function freshPeer(server: AuthProcess, make: MakePeer) {
  await server.reset();
  return make({ origin: server.origin, tokens: await server.login() });
}

/**
 * n requests at once, all carrying a token the server has just expired. `spread` ms staggers their 401s.
 * Besides wall time, the CPU time this (client) process spent: on a busy machine it moves less than wall
 * time does, so it shows the client's own cost more steadily.
 */
export async function storm(server: AuthProcess, make: MakePeer, n: number, spread = 0) {
  const peer = await freshPeer(server, make);
  await server.expire();
  const before = await server.stats();
  // One signal per request, as apps do: a single signal shared by 10,000 fetches costs undici seconds.
  const controllers = Array.from({ length: n }, () => new AbortController());
  const timer = setTimeout(() => {
    for (const controller of controllers) controller.abort();
  }, 120_000);
  const cpu = process.cpuUsage();
  const started = performance.now();
  const results = await Promise.all(
    controllers.map((controller, i) =>
      peer
        .get(`/api/data?i=${i}${spread ? `&delay=${Math.round((i * spread) / n)}` : ''}`, controller.signal)
        .catch(() => false),
    ),
  );
  const ms = performance.now() - started;
  const { user, system } = process.cpuUsage(cpu);
  clearTimeout(timer);
  const after = await server.stats();
  return {
    client: peer.name,
    succeeded: `${results.filter(Boolean).length}/${n}`,
    'refresh calls': after.refreshCalls! - before.refreshCalls!,
    'reuse detected': after.reuseDetected! - before.reuseDetected!,
    ms: Math.round(ms),
    'client CPU ms': Math.round((user + system) / 1000),
  };
}

/** One request against a server that answers 401 to everything, for `windowMs`: how many times is it sent? */
export async function persistent401(server: AuthProcess, make: MakePeer, windowMs: number) {
  const peer = await freshPeer(server, make);
  await server.configure({ alwaysUnauthorized: true });
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), windowMs);
  const started = performance.now();
  const ok = await peer.get('/api/data', controller.signal).catch(() => false);
  const settledIn = performance.now() - started;
  clearTimeout(timer);
  const { apiCalls } = await server.stats();
  await server.configure({ alwaysUnauthorized: false });
  return {
    client: peer.name,
    'sends of one request': apiCalls!,
    outcome: ok
      ? 'success'
      : settledIn >= windowMs - 5
        ? `still looping at ${windowMs} ms (aborted)`
        : 'settled (401)',
  };
}

/** A request to another origin through the same client: does the bearer token go along? */
export async function tokenLeak(server: AuthProcess, make: MakePeer) {
  let leaked = false;
  const thirdParty = createServer((req, res) => {
    leaked ||= Boolean(req.headers.authorization);
    res.end('{}');
  });
  await new Promise<void>((r) => thirdParty.listen(0, '127.0.0.1', r));
  const peer = await freshPeer(server, make);
  await peer.get(
    `http://localhost:${(thirdParty.address() as AddressInfo).port}/tracker`,
    AbortSignal.timeout(5_000),
  );
  thirdParty.close();
  return { client: peer.name, 'token sent to a third-party origin': leaked ? 'YES' : 'no' };
}
