import { lookup as systemLookup } from 'node:dns';
import { connect, createServer, type LookupFunction } from 'node:net';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createProxy, ProxyConfigError } from '../src/index.js';
import { curl, startProxy, startUpstream, tempDir } from './helpers.js';

/**
 * A resolver that answers 127.0.0.1 for the given names and asks the system for the rest: a name that resolves
 * to this machine, as one in /etc/hosts or a rebinding DNS server would, without editing the hosts file.
 */
function resolving(names: Record<string, () => string | undefined>): LookupFunction {
  return (hostname, options, callback) => {
    const pick = names[hostname];
    if (!pick) return systemLookup(hostname, options, callback);
    const address = pick();
    if (address === undefined)
      return callback(Object.assign(new Error(`ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' }), '', 0);
    if (options.all) return callback(null, [{ address, family: address.includes(':') ? 6 : 4 }]);
    callback(null, address, address.includes(':') ? 6 : 4);
  };
}

const toLoopback = resolving({ 'rebound.test': () => '127.0.0.1' });
const json = ['-H', 'content-type: application/json', '--data', '{"id":"from-the-wifi","action":{}}'];

/** A port nothing listens on right now. */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** The status line a raw request gets (for what curl cannot send). */
async function rawStatus(port: number, request: string): Promise<string> {
  const socket = connect(port, '127.0.0.1');
  socket.write(request);
  const reply = await new Promise<string>((resolve) => {
    let text = '';
    socket.on('data', (chunk) => {
      text += chunk;
    });
    socket.on('close', () => resolve(text));
    socket.on('error', () => resolve(text));
  });
  return reply.split('\r\n')[0] ?? '';
}

describe('a forward proxy never relays to its own listeners, however they are addressed', () => {
  it('refuses relayed requests to its control API by IPv4-mapped IPv6, a name that resolves to it, and localhost', async () => {
    const proxy = await startProxy({ lookup: toLoopback });
    const api = new URL(proxy.apiUrl).port;
    const own = new URL(proxy.url).port;
    const targets = [
      `http://[::ffff:127.0.0.1]:${api}/rules`,
      `http://[::ffff:7f00:1]:${api}/rules`,
      `http://rebound.test:${api}/rules`, // resolves to 127.0.0.1 (the stub above)
      `http://localhost:${api}/rules`, // resolves to loopback through the system's own resolver
      `http://127.0.0.1:${api}/rules`,
      `http://[::1]:${api}/rules`,
      `http://0.0.0.0:${api}/rules`,
      `http://[::]:${api}/rules`,
      `http://[::ffff:127.0.0.1]:${own}/rules`, // the proxy's own port: a loop
    ];
    const statuses = [];
    for (const target of targets)
      statuses.push([target, (await curl(['-x', proxy.url, ...json, target])).status]);
    expect(statuses).toEqual(targets.map((target) => [target, 403]));
    expect(proxy.rules.list()).toEqual([]);
    // Decided on the resolved address, and said so.
    const byName = proxy.log.entries().find((e) => e.url.includes('rebound.test'));
    expect(byName).toMatchObject({
      outcome: 'refused',
      status: 403,
      error: expect.stringMatching(/this proxy itself/),
    });
  });

  it('refuses CONNECT tunnels and WebSocket upgrades to its own listeners (mapped address, resolved name)', async () => {
    const proxy = await startProxy({ lookup: toLoopback });
    proxy.rules.add({ id: 'armed-by-the-tester', action: {} });
    const api = new URL(proxy.apiUrl).port;
    for (const host of ['[::ffff:127.0.0.1]', 'rebound.test']) {
      const tunnel = await curl(['-x', proxy.url, '-p', '-X', 'POST', `http://${host}:${api}/reset`]).catch(
        (error: { stdout: string }) => ({ head: error.stdout }),
      );
      expect(tunnel.head, host).toMatch(/^HTTP\/1\.1 403/);
    }
    const upgrade = await rawStatus(
      Number(new URL(proxy.url).port),
      `GET http://[::ffff:127.0.0.1]:${api}/log HTTP/1.1\r\nHost: [::ffff:127.0.0.1]:${api}\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n\r\n`,
    );
    expect(upgrade).toMatch(/^HTTP\/1\.1 403/);
    expect(proxy.rules.list().map((r) => r.id)).toEqual(['armed-by-the-tester']);
  });

  it('with --mitm, refuses inside the tunnel once the name turns out to be itself', async () => {
    const caDir = tempDir();
    const proxy = await startProxy({ mitm: true, caDir, lookup: toLoopback });
    const api = new URL(proxy.apiUrl).port;
    const res = await curl([
      '-x',
      proxy.url,
      '--cacert',
      join(caDir, 'expiryproof-ca.pem'),
      '-X',
      'POST',
      `https://rebound.test:${api}/reset`,
    ]);
    expect([res.status, JSON.parse(res.body).error]).toEqual([403, 'host_not_allowed']);
  });

  it('still relays to other services on this machine', async () => {
    const upstream = await startUpstream();
    const proxy = await startProxy({ lookup: toLoopback });
    expect((await curl(['-x', proxy.url, `http://[::ffff:127.0.0.1]:${upstream.port}/ok`])).status).toBe(200);
    expect((await curl(['-x', proxy.url, `http://rebound.test:${upstream.port}/ok`])).status).toBe(200);
  });
});

describe('an upstream that is the proxy itself', () => {
  it('is refused at start-up, by address or by name, with a message that says why', async () => {
    const port = await freePort();
    const selfNamed = resolving({ 'self.test': () => '127.0.0.1' });
    for (const upstream of [
      `http://127.0.0.1:${port}`,
      `http://localhost:${port}`,
      `http://[::ffff:127.0.0.1]:${port}`,
      `http://self.test:${port}`,
    ]) {
      const proxy = createProxy({ upstream, listen: `127.0.0.1:${port}`, api: false, lookup: selfNamed });
      const started = proxy.listen().then(
        () => 'listening',
        (error: unknown) => error,
      );
      const outcome = await started;
      if (outcome === 'listening') await proxy.close();
      expect(outcome, upstream).toBeInstanceOf(ProxyConfigError);
      expect(String(outcome), upstream).toMatch(/is this proxy itself .*every request would come back to it/);
    }
    // Its own control API is no upstream either; and what it had opened is closed again.
    const apiPort = await freePort();
    const proxy = createProxy({
      upstream: `http://127.0.0.1:${apiPort}`,
      listen: '127.0.0.1:0',
      api: `127.0.0.1:${apiPort}`,
    });
    const outcome = await proxy.listen().then(
      () => 'listening',
      (error: unknown) => error,
    );
    if (outcome === 'listening') await proxy.close();
    expect(outcome).toBeInstanceOf(ProxyConfigError);
    const again = createProxy({
      upstream: 'http://127.0.0.1:9',
      listen: '127.0.0.1:0',
      api: `127.0.0.1:${apiPort}`,
    });
    await again.listen();
    await again.close();
  });

  it('refuses each request when the name starts resolving to the proxy later (no loop)', async () => {
    let resolvesTo: string | undefined; // the name does not resolve at start-up, so the start-up check passes
    const port = await freePort();
    const proxy = await startProxy({
      upstream: `http://flip.test:${port}`,
      listen: `127.0.0.1:${port}`,
      lookup: resolving({ 'flip.test': () => resolvesTo }),
    });
    resolvesTo = '127.0.0.1';
    const res = await fetch(`${proxy.url}/api`);
    expect([res.status, ((await res.json()) as { error: string }).error]).toEqual([403, 'host_not_allowed']);
    expect(proxy.log.entries()).toMatchObject([{ outcome: 'refused', status: 403 }]);
  });
});
