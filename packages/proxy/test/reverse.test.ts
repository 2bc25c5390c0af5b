import { connect } from 'node:net';
import { Agent, request } from 'undici';
import { describe, expect, it } from 'vitest';
import { curl, eventually, type Seen, startProxy, startUpstream } from './helpers.js';

const TOKEN = 'eyJhbGciOiJIUzI1NiJ9.secret-access-token.sig';
const bearer = { authorization: `Bearer ${TOKEN}` };
const echo = async (res: Response) => (await res.json()) as Seen;

describe('reverse mode passes traffic through faithfully', () => {
  it('keeps method, path, query, body, repeated headers and reuses upstream connections', async () => {
    const upstream = await startUpstream();
    const proxy = await startProxy({ upstream: upstream.origin });
    const body = JSON.stringify({ bio: 'x'.repeat(200_000) });
    const results = await Promise.all(
      Array.from({ length: 20 }, () =>
        fetch(`${proxy.url}/api/profile/save?draft=1&x=%20y`, {
          method: 'POST',
          headers: { ...bearer, 'content-type': 'application/json', 'x-trace': 'abc' },
          body,
        }),
      ),
    );
    for (const res of results) {
      expect(res.status).toBe(200);
      expect(res.headers.getSetCookie()).toEqual(['a=1; Path=/', 'b=2; Path=/']);
      const seen = await echo(res);
      expect(seen).toMatchObject({ method: 'POST', url: '/api/profile/save?draft=1&x=%20y', body });
      expect(seen.headers).toMatchObject({ ...bearer, 'x-trace': 'abc', 'x-forwarded-for': '127.0.0.1' });
      expect(seen.headers.host).toBe(`127.0.0.1:${upstream.port}`);
      expect(seen.headers['x-forwarded-host']).toBe(new URL(proxy.url).host);
    }
    // A second wave goes over the kept-alive connections of the first.
    const before = new Set(upstream.seen.map((s) => s.remotePort)).size;
    for (let i = 0; i < 5; i++) await (await fetch(`${proxy.url}/again`)).arrayBuffer();
    expect(new Set(upstream.seen.map((s) => s.remotePort)).size).toBe(before);
  });

  it('works with curl, and streams server-sent events as they come', async () => {
    let release: () => void = () => {};
    const upstream = await startUpstream((req, res) => {
      if (req.url !== '/events') return void res.end('plain');
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.write('data: first\n\n');
      release = () => res.end('data: last\n\n');
    });
    const proxy = await startProxy({ upstream: upstream.origin });
    expect((await curl([`${proxy.url}/x`])).body).toBe('plain');

    const res = await fetch(`${proxy.url}/events`);
    const reader = (res.body as ReadableStream<Uint8Array>).getReader();
    const first = new TextDecoder().decode((await reader.read()).value);
    expect(first).toBe('data: first\n\n'); // arrived while the upstream still holds the response open
    release();
    const rest = new TextDecoder().decode((await reader.read()).value);
    expect(rest).toBe('data: last\n\n');
  });

  it('passes WebSockets through, and applies rules to their handshake', async () => {
    const { WebSocketServer, WebSocket } = await import('ws');
    const upstream = await startUpstream();
    const wss = new WebSocketServer({ server: upstream.server });
    wss.on('connection', (socket, req) => {
      socket.on('message', (data) => socket.send(`echo ${data} auth=${req.headers.authorization ?? 'none'}`));
    });
    const proxy = await startProxy({ upstream: upstream.origin });
    const wsUrl = `${proxy.url.replace('http', 'ws')}/ws`;

    const socket = new WebSocket(wsUrl, { headers: bearer });
    await new Promise((resolve, reject) => socket.once('open', resolve).once('error', reject));
    socket.send('hello');
    const reply = await new Promise<string>((resolve) =>
      socket.once('message', (data) => resolve(String(data))),
    );
    expect(reply).toBe(`echo hello auth=Bearer ${TOKEN}`);
    socket.close();

    proxy.rules.add({ match: { path: '/ws' }, action: { status: 401 }, times: 1 });
    const refused = new WebSocket(wsUrl, { headers: bearer });
    // The same realistic answer as for plain requests: a Bearer challenge the client can act on.
    const refusal = await new Promise<[number, string | undefined]>((resolve) =>
      refused.once('unexpected-response', (_req, res) =>
        resolve([res.statusCode ?? 0, res.headers['www-authenticate']]),
      ),
    );
    expect(refusal).toEqual([401, expect.stringMatching(/^Bearer .*error="invalid_token"/)]);
    wss.close();
  });
});

describe('rules', () => {
  it('strips a header from the nth matching request only, for `times` requests', async () => {
    const upstream = await startUpstream();
    const proxy = await startProxy({ upstream: upstream.origin });
    proxy.rules.add({
      match: { method: 'POST', path: '/api/*/save' },
      action: { stripHeaders: ['authorization'] },
      nth: 2,
      times: 1,
    });
    const auth = [];
    for (let i = 0; i < 4; i++) {
      const seen = await echo(
        await fetch(`${proxy.url}/api/profile/save`, { method: 'POST', headers: bearer, body: 'x' }),
      );
      auth.push(seen.headers.authorization ?? null);
    }
    await fetch(`${proxy.url}/api/profile/other`, { method: 'POST', headers: bearer, body: 'x' });
    expect(auth).toEqual([bearer.authorization, null, bearer.authorization, bearer.authorization]);
    expect(proxy.rules.list()[0]).toMatchObject({ state: 'spent', hits: 1, seen: 2 });
  });

  it('sets headers; a 401 answer looks real to a browser: challenge, JSON body, CORS for the origin', async () => {
    const upstream = await startUpstream();
    const proxy = await startProxy({ upstream: upstream.origin });
    proxy.rules.add([
      {
        match: { path: '/set' },
        action: { setHeaders: { 'x-client-version': '2', authorization: 'Bearer other' } },
      },
      { id: 'deny', match: { path: '/deny' }, action: { status: 401 } },
    ]);
    const seen = await echo(
      await fetch(`${proxy.url}/set`, { headers: { ...bearer, 'x-client-version': '1' } }),
    );
    expect(seen.headers).toMatchObject({ 'x-client-version': '2', authorization: 'Bearer other' });

    const res = await fetch(`${proxy.url}/deny`, { headers: { ...bearer, origin: 'https://app.example' } });
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toMatch(/^Bearer .*error="invalid_token"/);
    expect(res.headers.get('access-control-allow-origin')).toBe('https://app.example');
    expect(res.headers.get('access-control-allow-credentials')).toBe('true');
    expect(res.headers.get('access-control-expose-headers')).toContain('WWW-Authenticate');
    expect(res.headers.get('x-expiryproof-rule')).toBe('deny');
    expect(await res.json()).toEqual({
      error: 'invalid_token',
      error_description: 'The access token expired.',
    });
    expect(upstream.seen.map((s) => s.url)).toEqual(['/set']); // the 401 never reached the upstream
  });

  it('503 carries Retry-After; custom body and headers replace the defaults', async () => {
    const upstream = await startUpstream();
    const proxy = await startProxy({ upstream: upstream.origin });
    proxy.rules.add([
      { match: { path: '/auth/refresh' }, action: { status: 503 } },
      {
        match: { path: '/custom' },
        action: { status: 418, body: 'short and stout', headers: { 'x-teapot': 'yes' } },
      },
    ]);
    const unavailable = await fetch(`${proxy.url}/auth/refresh`, { method: 'POST' });
    expect([unavailable.status, unavailable.headers.get('retry-after')]).toEqual([503, '1']);
    const custom = await fetch(`${proxy.url}/custom`);
    expect([custom.status, custom.headers.get('x-teapot'), await custom.text()]).toEqual([
      418,
      'yes',
      'short and stout',
    ]);
  });

  it('never answers a CORS preflight with a fault unless OPTIONS is named', async () => {
    const upstream = await startUpstream();
    const proxy = await startProxy({ upstream: upstream.origin });
    proxy.rules.add({ match: { path: '/api/**' }, action: { status: 401 } });
    const preflight = await fetch(`${proxy.url}/api/save`, {
      method: 'OPTIONS',
      headers: { origin: 'https://app.example', 'access-control-request-method': 'POST' },
    });
    expect(preflight.status).toBe(200);
    expect((await fetch(`${proxy.url}/api/save`)).status).toBe(401);
  });

  it('delays, throttles and resets', async () => {
    const upstream = await startUpstream((req, res) => res.end(req.url === '/big' ? 'x'.repeat(3000) : 'ok'));
    const proxy = await startProxy({ upstream: upstream.origin });
    proxy.rules.add([
      { match: { path: '/slow' }, action: { delay: '300ms' } },
      { match: { path: '/big' }, action: { throttle: 10_000 } },
      { match: { path: '/drop' }, action: { reset: true } },
    ]);
    // Lower bounds only: a rule must not be faster than it says; how much slower is the machine's business.
    let started = performance.now();
    expect(await (await fetch(`${proxy.url}/slow`)).text()).toBe('ok');
    expect(performance.now() - started).toBeGreaterThanOrEqual(290);
    started = performance.now();
    expect((await (await fetch(`${proxy.url}/big`)).text()).length).toBe(3000);
    expect(performance.now() - started).toBeGreaterThanOrEqual(250); // 3,000 B at 10 kB/s ≥ 0.3 s (slices of 0.1 s)
    await expect(fetch(`${proxy.url}/drop`)).rejects.toThrow();
    expect(upstream.seen.map((s) => s.url)).toEqual(['/slow', '/big']);
    expect(proxy.log.entries().map((e) => e.outcome)).toEqual(['forwarded', 'forwarded', 'reset']);
  });

  it('path globs: literal, directory globstar (the directory itself too), braces, leading globstar', async () => {
    const upstream = await startUpstream();
    const proxy = await startProxy({ upstream: upstream.origin });
    proxy.rules.add([
      { match: { path: '/exact' }, action: { status: 401 } },
      { match: { path: '/api/**' }, action: { status: 402 } },
      { match: { path: '/auth/{refresh,token}' }, action: { status: 403 } },
      { match: { path: ['**/logout', '/x/*.csv'] }, action: { status: 404 } },
    ]);
    const status = async (path: string) => (await fetch(`${proxy.url}${path}`)).status;
    const cases: Array<[string, number]> = [
      ['/exact', 401],
      ['/exact/more', 200],
      ['/exactly', 200],
      ['/api', 402],
      ['/api/a/b', 402],
      ['/apis', 200],
      ['/auth/refresh', 403],
      ['/auth/token', 403],
      ['/auth/login', 200],
      ['/v1/session/logout', 404],
      ['/x/report.csv', 404],
      ['/x/deeper/report.csv', 200],
      ['/exact?query=1', 401],
    ];
    const seen = [];
    for (const [path] of cases) seen.push([path, await status(path)]);
    expect(seen).toEqual(cases);
  });

  it('matches header presence, absence and value, and scopes to a client address', async () => {
    const upstream = await startUpstream();
    const proxy = await startProxy({ upstream: upstream.origin });
    proxy.rules.add([
      { id: 'phone', match: { headers: { 'x-device': 'phone-a' } }, action: { status: 401 } },
      { id: 'anon', match: { path: '/anon', headers: { authorization: false } }, action: { status: 403 } },
      { id: 'other-client', match: { client: '192.168.1.23' }, action: { status: 500 } },
      { id: 'this-client', match: { client: '127.0.0.1', path: '/mine' }, action: { status: 409 } },
    ]);
    const status = async (path: string, headers: Record<string, string> = {}) =>
      (await fetch(`${proxy.url}${path}`, { headers })).status;
    expect(await status('/a', { 'x-device': 'phone-a' })).toBe(401);
    expect(await status('/a', { 'x-device': 'phone-b' })).toBe(200);
    expect(await status('/anon')).toBe(403);
    expect(await status('/anon', bearer)).toBe(200);
    expect(await status('/mine')).toBe(409);
    expect(proxy.rules.get('other-client')).toMatchObject({ hits: 0 });
  });

  it('matches bearer tokens by value, by digest, and "first-seen" (the token the app holds dies)', async () => {
    const upstream = await startUpstream();
    const proxy = await startProxy({ upstream: upstream.origin });
    const { createHash } = await import('node:crypto');
    proxy.rules.add([
      { id: 'revoked', match: { token: 'revoked-1' }, action: { status: 401 } },
      {
        id: 'digest',
        match: { token: `sha256:${createHash('sha256').update('revoked-2').digest('hex')}` },
        action: { status: 401 },
      },
      {
        id: 'dies',
        match: { path: '/api/**', token: 'first-seen' },
        unless: { path: '/api/refresh' },
        action: { status: 401 },
      },
    ]);
    const status = async (path: string, token?: string) =>
      (await fetch(`${proxy.url}${path}`, { headers: token ? { authorization: `Bearer ${token}` } : {} }))
        .status;
    expect(await status('/x', 'revoked-1')).toBe(401);
    expect(await status('/x', 'revoked-2')).toBe(401);
    expect(await status('/api/refresh', 'old')).toBe(200); // excluded: not captured
    expect(await status('/api/a', 'old')).toBe(401); // captured now
    expect(await status('/api/b', 'old')).toBe(401);
    expect(await status('/api/a', 'new')).toBe(200); // the refreshed token passes
    expect(await status('/api/a')).toBe(200);
    // The API lists digests, never tokens.
    const listed = JSON.stringify(proxy.rules.list());
    expect(listed).not.toContain('revoked-1');
    expect(listed).not.toContain('old');
  });

  it('host globs, probability, arming after a delay and disarming after a ttl', async () => {
    const upstream = await startUpstream();
    const proxy = await startProxy({ upstream: upstream.origin });
    proxy.rules.add([
      { id: 'host', match: { host: '127.0.0.*', path: '/host' }, action: { status: 401 } },
      { id: 'other-host', match: { host: '*.example.com' }, action: { status: 500 } },
      { id: 'coin', match: { path: '/coin' }, action: { status: 503 }, probability: 0.5 },
      { id: 'later', match: { path: '/later' }, action: { status: 401 }, after: '600ms' },
      { id: 'brief', match: { path: '/brief' }, action: { status: 401 }, ttl: 600 },
    ]);
    const status = async (path: string) => (await fetch(`${proxy.url}${path}`)).status;
    // The time-window checks come first: the hundred requests below can take longer than the windows on a busy CI.
    expect(await status('/brief')).toBe(401);
    expect(proxy.rules.get('later')).toMatchObject({ state: 'waiting' });
    expect(await status('/host')).toBe(401);
    const coins = [];
    for (let i = 0; i < 100; i++) coins.push(await status('/coin'));
    const failed = coins.filter((s) => s === 503).length;
    expect(failed).toBeGreaterThan(20); // 50 expected; the chance of ≤ 20 or ≥ 80 is below 1e-8
    expect(failed).toBeLessThan(80);
    await eventually(
      () => proxy.rules.get('later')?.state,
      (state) => state === 'armed',
    );
    expect(await status('/later')).toBe(401);
    await eventually(
      () => proxy.rules.get('brief')?.state,
      (state) => state === 'expired',
    );
    expect(await status('/brief')).toBe(200);
    expect(proxy.rules.get('other-host')).toMatchObject({ hits: 0 });
  });

  it('the log shows what happened without any token, and hides query strings', async () => {
    const upstream = await startUpstream();
    const proxy = await startProxy({ upstream: upstream.origin });
    proxy.rules.add({ id: 'expire', match: { path: '/api/save' }, action: { status: 401 }, times: 1 });
    await fetch(`${proxy.url}/api/save?access_token=${TOKEN}`, {
      method: 'POST',
      headers: bearer,
      body: 'x',
    });
    await fetch(`${proxy.url}/api/save`, { method: 'POST', headers: bearer, body: 'x' });
    const entries = await eventually(
      () => proxy.log.entries(),
      (e) => e.every((entry) => entry.outcome !== 'pending'),
    );
    expect(entries).toMatchObject([
      {
        method: 'POST',
        url: `http://127.0.0.1:${upstream.port}/api/save?…`,
        status: 401,
        token: true,
        rules: ['expire'],
        outcome: 'answered',
      },
      { method: 'POST', status: 200, token: true, rules: [], outcome: 'forwarded' },
    ]);
    expect(JSON.stringify(entries)).not.toContain('secret-access-token');
  });
});

describe('bad input and failures', () => {
  it('refuses to relay to other hosts in reverse mode, and CONNECT', async () => {
    const upstream = await startUpstream();
    const proxy = await startProxy({ upstream: upstream.origin });
    const relayed = await curl(['-x', proxy.url, 'http://example.com/steal']);
    expect(relayed.status).toBe(403);
    expect(JSON.parse(relayed.body)).toMatchObject({ error: 'not_a_relay' });
    const tunnel = await curl(['-x', proxy.url, '-p', 'http://example.com/']).catch(
      (error: { stdout: string }) => ({
        head: error.stdout,
      }),
    );
    expect(tunnel.head).toMatch(/405/);
    expect(upstream.seen).toEqual([]);
  });

  it('upstream down → 502 with a clear JSON body', async () => {
    const upstream = await startUpstream();
    await new Promise<void>((resolve) => {
      upstream.server.close(() => resolve());
    });
    const proxy = await startProxy({ upstream: upstream.origin });
    const res = await fetch(`${proxy.url}/x`);
    expect(res.status).toBe(502);
    expect(await res.json()).toEqual({
      error: 'bad_gateway',
      message: `expiryproof-proxy could not get an answer from http://127.0.0.1:${upstream.port}: connection refused (is it running?)`,
    });
  });

  it('oversized request headers → 431 with an explanation; the proxy keeps serving', async () => {
    const upstream = await startUpstream();
    const proxy = await startProxy({ upstream: upstream.origin, maxHeaderSize: 4096 });
    const res = await curl(['-H', `x-big: ${'y'.repeat(8000)}`, `${proxy.url}/x`]);
    expect(res.status).toBe(431);
    expect(JSON.parse(res.body)).toMatchObject({ error: 'headers_too_large' });
    expect((await fetch(`${proxy.url}/x`)).status).toBe(200);
  });

  it('a client that aborts mid-body cancels the upstream request; nothing hangs', async () => {
    let upstreamAborted = false;
    const upstream = await startUpstream();
    upstream.server.removeAllListeners('request');
    upstream.server.on('request', (req, res) => {
      req.on('aborted', () => {
        upstreamAborted = true;
      });
      req.on('error', () => {});
      req.on('end', () => res.end('done'));
      req.resume();
    });
    const proxy = await startProxy({ upstream: upstream.origin });
    const { port } = new URL(proxy.url);
    const socket = connect(Number(port), '127.0.0.1');
    await new Promise((resolve) => socket.once('connect', resolve));
    socket.write('POST /upload HTTP/1.1\r\nHost: x\r\nContent-Length: 100000\r\n\r\n');
    socket.write('z'.repeat(1000));
    await eventually(
      () => proxy.log.entries().length,
      (n) => n === 1,
    );
    socket.destroy();
    await eventually(() => upstreamAborted, Boolean);
    await eventually(
      () => proxy.log.entries()[0]?.outcome,
      (outcome) => outcome === 'aborted',
    );
    expect((await fetch(`${proxy.url}/after`, { method: 'POST', body: 'ok' })).status).toBe(200);
  });

  it('undici keep-alive client across many requests and a malformed request line', async () => {
    const upstream = await startUpstream();
    const proxy = await startProxy({ upstream: upstream.origin });
    const dispatcher = new Agent({ connections: 2 });
    for (let i = 0; i < 50; i++) {
      const res = await request(`${proxy.url}/n/${i}`, { dispatcher, headers: bearer });
      expect(res.statusCode).toBe(200);
      await res.body.dump();
    }
    await dispatcher.close();
    const raw = connect(Number(new URL(proxy.url).port), '127.0.0.1');
    raw.write('NONSENSE\r\n\r\n');
    const reply = await new Promise<string>((resolve) => raw.once('data', (d) => resolve(String(d))));
    expect(reply).toMatch(/^HTTP\/1\.1 400 /);
    raw.destroy();
  });
});

describe('options', () => {
  it('rejects bad options and rules with typed errors before listening', async () => {
    const { createProxy, ProxyConfigError } = await import('../src/index.js');
    expect(() => createProxy({ upstream: 'ftp://x' })).toThrow(ProxyConfigError);
    expect(() => createProxy({ listen: 'nope:port' })).toThrow(/listen: expected host:port/);
    expect(() => createProxy({ upstream: 'http://a', mitm: true })).toThrow(/forward mode/);
    expect(() => createProxy({ rules: [{ action: { stripHeaders: 'authorization' } } as never] })).toThrow(
      /stripHeaders/,
    );
    const upstream = await startUpstream();
    const first = await startProxy({ upstream: upstream.origin });
    const second = createProxy({ upstream: upstream.origin, listen: new URL(first.url).host, api: false });
    await expect(second.listen()).rejects.toThrow(/already in use/);
  });

  it('binds loopback by default', async () => {
    const { createProxy } = await import('../src/index.js');
    const proxy = createProxy({ upstream: 'http://127.0.0.1:9', listen: { port: 0 }, api: { port: 0 } });
    const { url, apiUrl } = await proxy.listen();
    expect(new URL(url).hostname).toBe('127.0.0.1');
    expect(new URL(apiUrl as string).hostname).toBe('127.0.0.1');
    await proxy.close();
  });
});
