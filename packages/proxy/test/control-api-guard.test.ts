import { networkInterfaces } from 'node:os';
import { describe, expect, it } from 'vitest';
import { createProxy, ProxyConfigError } from '../src/index.js';
import { curl, startProxy } from './helpers.js';

const KEY = 'a-key-of-32-characters-0123456789';

/** `curl` against the API with a chosen Host header, as a DNS-rebinding page's requests arrive. */
const withHost = (host: string, url: string, ...args: string[]) =>
  curl(['-H', `Host: ${host}`, ...args, url]);

describe('control API: Host must name the API', () => {
  it('refuses a DNS-rebinding page: reads and writes addressed to another name get 421', async () => {
    const proxy = await startProxy({});
    proxy.rules.add({ id: 'secret-rule', match: { path: '/api/**' }, action: { status: 401 } });
    const { port } = new URL(proxy.apiUrl);
    const post = ['-H', 'content-type: application/json', '--data', '{"action":{}}'];
    for (const host of [`rebind.example:${port}`, 'rebind.example', `attacker.test.:${port}`]) {
      for (const [path, args] of [
        ['/log', []],
        ['/rules', []],
        ['/', []],
        ['/rules', post],
        ['/reset', ['-X', 'POST']],
      ] as const) {
        const res = await withHost(host, `${proxy.apiUrl}${path}`, ...args);
        expect([host, path, res.status], res.body).toEqual([host, path, 421]);
        expect(JSON.parse(res.body).error).toMatchObject({
          code: 'misdirected_request',
          message: expect.stringContaining('--api-allow-host'),
        });
      }
    }
    expect(proxy.rules.list().map((r) => r.id)).toEqual(['secret-rule']);
  });

  it('answers its own address and localhost, in any spelling, and names added with apiHosts', async () => {
    const proxy = await startProxy({ apiHosts: ['laptop.example'] });
    const { port } = new URL(proxy.apiUrl);
    for (const host of [
      `127.0.0.1:${port}`,
      `localhost:${port}`,
      `LocalHost.:${port}`,
      `[::1]:${port}`,
      `[::ffff:7f00:1]:${port}`,
      `laptop.example:${port}`,
    ])
      expect([host, (await withHost(host, `${proxy.apiUrl}/rules`)).status]).toEqual([host, 200]);
  });

  it('on every interface, answers this machine’s addresses (with the key) and still no other name', async () => {
    const proxy = createProxy({ listen: '127.0.0.1:0', api: '0.0.0.0:0', apiKey: KEY });
    const { apiUrl } = await proxy.listen();
    try {
      const port = new URL(apiUrl as string).port;
      const local = `http://127.0.0.1:${port}/rules`;
      const auth = ['-H', `Authorization: Bearer ${KEY}`];
      const lan = Object.values(networkInterfaces())
        .flat()
        .find((i) => i && !i.internal && i.family === 'IPv4')?.address;
      for (const host of [`0.0.0.0:${port}`, ...(lan ? [`${lan}:${port}`] : [])])
        expect([host, (await withHost(host, local, ...auth)).status]).toEqual([host, 200]);
      expect((await withHost(`rebind.example:${port}`, local, ...auth)).status).toBe(421);
      expect((await withHost(`127.0.0.1:${port}`, local)).status).toBe(401);
    } finally {
      await proxy.close();
    }
  });
});

describe('control API reachable from the network', () => {
  it('requires a key (of at least 16 characters) before anything listens', () => {
    for (const api of ['0.0.0.0:0', '[::]:0', '192.0.2.10:0', 'my-laptop.example:0']) {
      expect(() => createProxy({ listen: '127.0.0.1:0', api }), api).toThrow(ProxyConfigError);
      expect(() => createProxy({ listen: '127.0.0.1:0', api }), api).toThrow(
        /can be reached from your network, so the control API needs a key: put one in EXPIRYPROOF_PROXY_API_KEY or a file passed with --api-key-file/,
      );
    }
    expect(() => createProxy({ listen: '127.0.0.1:0', api: '0.0.0.0:0', apiKey: 'short' })).toThrow(
      /at least 16 characters/,
    );
    // Loopback needs none: only this machine can reach it.
    for (const api of ['127.0.0.1:0', 'localhost:0', '[::1]:0', '127.0.0.2:0'])
      expect(() => createProxy({ listen: '127.0.0.1:0', api }), api).not.toThrow();
  });
});
