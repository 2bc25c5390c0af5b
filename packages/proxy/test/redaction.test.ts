import { connect } from 'node:net';
import { describe, expect, it } from 'vitest';
import { createProxy, createProxyClient } from '../src/index.js';
import { startProxy, startUpstream } from './helpers.js';

const SECRET = 'hunter2-s3cret';

/** Sends a raw request (what a client with credentials in its URL may send) and waits for the answer. */
async function raw(port: number, request: string): Promise<string> {
  const socket = connect(port, '127.0.0.1');
  socket.write(request);
  return new Promise((resolve) => {
    let text = '';
    socket.on('data', (chunk) => {
      text += chunk;
    });
    socket.on('close', () => resolve(text));
    socket.on('error', () => resolve(text));
  });
}

describe('URL userinfo never reaches a log line', () => {
  it('is redacted for refused relays, CONNECT and refused upgrades (forward mode)', async () => {
    const proxy = await startProxy({ allowHosts: ['allowed.test'] });
    const port = Number(new URL(proxy.url).port);
    const requests = [
      `GET http://alice:${SECRET}@blocked.test/x HTTP/1.1\r\nHost: blocked.test\r\nConnection: close\r\n\r\n`,
      `CONNECT alice:${SECRET}@blocked.test:443 HTTP/1.1\r\nHost: blocked.test:443\r\n\r\n`,
      `CONNECT alice:${SECRET}@allowed.test:443 HTTP/1.1\r\nHost: allowed.test:443\r\n\r\n`,
      `GET http://alice:${SECRET}@blocked.test/ws HTTP/1.1\r\nHost: blocked.test\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n\r\n`,
    ];
    const answers = [];
    for (const request of requests) answers.push((await raw(port, request)).split('\r\n')[0]);
    expect(answers).toEqual([
      expect.stringMatching(/^HTTP\/1\.1 403/),
      expect.stringMatching(/^HTTP\/1\.1 (400|403)/),
      expect.stringMatching(/^HTTP\/1\.1 400/),
      expect.stringMatching(/^HTTP\/1\.1 403/),
    ]);
    const entries = proxy.log.entries();
    expect(entries).toHaveLength(4);
    expect(JSON.stringify(entries)).not.toContain(SECRET);
    expect(JSON.stringify(entries)).not.toContain('alice');
    expect(entries.map((e) => e.url)).toEqual([
      'http://***@blocked.test/x',
      '***@blocked.test:443',
      '***@allowed.test:443',
      'http://***@blocked.test/ws',
    ]);
  });

  it('is redacted in reverse mode: refused absolute-form requests, the API’s description, config errors', async () => {
    const upstream = await startUpstream();
    const withCredentials = `http://alice:${SECRET}@127.0.0.1:${upstream.port}`;
    const proxy = await startProxy({ upstream: withCredentials });
    await raw(
      Number(new URL(proxy.url).port),
      `GET http://bob:${SECRET}@elsewhere.test/ HTTP/1.1\r\nHost: elsewhere.test\r\nConnection: close\r\n\r\n`,
    );
    expect(proxy.log.entries()).toMatchObject([{ outcome: 'refused', url: 'http://***@elsewhere.test/' }]);
    const info = await createProxyClient({ url: proxy.apiUrl }).info();
    expect(info.upstream).toBe(`http://***@127.0.0.1:${upstream.port}`);
    expect(() => createProxy({ upstream: `ftp://alice:${SECRET}@x` })).toThrow(/ftp:\/\/\*\*\*@x/);
    expect(() => createProxy({ upstream: `ftp://alice:${SECRET}@x` })).not.toThrow(new RegExp(SECRET));
  });

  it('leaves an "@" in a path alone', async () => {
    const upstream = await startUpstream();
    const proxy = await startProxy({ upstream: upstream.origin });
    await fetch(`${proxy.url}/users/@me`);
    expect(proxy.log.entries()[0]?.url).toBe(`${upstream.origin}/users/@me`);
  });
});
