import { readFileSync, writeFileSync } from 'node:fs';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { ProxyAgent, fetch as undiciFetch } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadCertificateAuthority } from '../src/tls/certificate-authority.js';
import { curl, eventually, type Seen, startProxy, startUpstream, tempDir } from './helpers.js';

/** A real HTTPS API on 127.0.0.1 with a certificate from its own test CA (not the proxy's). */
let api: { origin: string; caFile: string; caPem: string; seen: Seen[]; close: () => void };

beforeAll(async () => {
  const dir = tempDir();
  const upstreamCa = await loadCertificateAuthority(join(dir, 'upstream-ca'));
  const seen: Seen[] = [];
  const server = https.createServer(await upstreamCa.issue('127.0.0.1'), (req, res) => {
    seen.push({
      method: req.method ?? '',
      url: req.url ?? '',
      headers: req.headers,
      body: '',
      remotePort: 0,
    });
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify({ url: req.url, authorization: req.headers.authorization ?? null }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const caFile = join(dir, 'upstream-ca.pem');
  writeFileSync(caFile, upstreamCa.certificatePem);
  api = {
    origin: `https://127.0.0.1:${(server.address() as AddressInfo).port}`,
    caFile,
    caPem: upstreamCa.certificatePem,
    seen,
    close: () => {
      server.closeAllConnections();
      server.close();
    },
  };
});
afterAll(() => api.close());

const TOKEN = 'forward-secret-token';

describe('forward proxy, plain HTTP', () => {
  it('relays absolute-form requests and applies rules by host', async () => {
    const upstream = await startUpstream();
    const proxy = await startProxy({});
    proxy.rules.add({
      match: { host: '127.0.0.1', path: '/api/save' },
      action: { stripHeaders: ['authorization'] },
      times: 1,
    });
    const first = await curl([
      '-x',
      proxy.url,
      '-H',
      `Authorization: Bearer ${TOKEN}`,
      `${upstream.origin}/api/save`,
    ]);
    const second = await curl([
      '-x',
      proxy.url,
      '-H',
      `Authorization: Bearer ${TOKEN}`,
      `${upstream.origin}/api/save`,
    ]);
    expect([first.status, JSON.parse(first.body).headers.authorization]).toEqual([200, undefined]);
    expect(JSON.parse(second.body).headers.authorization).toBe(`Bearer ${TOKEN}`);
    expect(upstream.seen.map((s) => s.url)).toEqual(['/api/save', '/api/save']);
  });

  it('reaches only the allowed hosts when told to', async () => {
    const upstream = await startUpstream();
    const proxy = await startProxy({ allowHosts: ['localhost'] });
    const refused = await curl(['-x', proxy.url, `${upstream.origin}/x`]);
    expect(refused.status).toBe(403);
    expect(JSON.parse(refused.body)).toMatchObject({ error: 'host_not_allowed' });
    expect((await curl(['-x', proxy.url, `http://localhost:${upstream.port}/x`])).status).toBe(200);
  });

  it('token-leak marks bearer tokens sent to any host but the API, and lets them through', async () => {
    const upstream = await startUpstream();
    const proxy = await startProxy({});
    expect(() => proxy.arm('token-leak')).toThrow(/--api-host/);
    proxy.arm('token-leak', { apiHost: '127.0.0.1' });
    const auth = ['-H', `Authorization: Bearer ${TOKEN}`];
    await curl(['-x', proxy.url, ...auth, `${upstream.origin}/api`]);
    const thirdParty = await curl(['-x', proxy.url, ...auth, `http://localhost:${upstream.port}/tracker`]);
    await curl(['-x', proxy.url, `http://localhost:${upstream.port}/no-token`]);
    expect(thirdParty.status).toBe(200);
    expect(proxy.log.entries().map((e) => [new URL(e.url).host.split(':')[0], e.token, e.rules])).toEqual([
      ['127.0.0.1', true, []],
      ['localhost', true, ['token-leak']],
      ['localhost', false, []],
    ]);
  });

  it('never relays to its own control API or to itself (no loops, no arming rules from the Wi-Fi)', async () => {
    const proxy = await startProxy({});
    const api = new URL(proxy.apiUrl);
    for (const host of ['127.0.0.1', 'localhost']) {
      const viaProxy = await curl(['-x', proxy.url, '-X', 'POST', `http://${host}:${api.port}/reset`]);
      expect(viaProxy.status).toBe(403);
    }
    expect((await curl(['-x', proxy.url, `${proxy.url}/`])).status).toBe(403);
    const tunnel = await curl(['-x', proxy.url, '-p', `http://127.0.0.1:${api.port}/rules`]).catch(
      (error: { stdout: string }) => ({ head: error.stdout }),
    );
    expect(tunnel.head).toMatch(/403/);
    expect(proxy.log.entries().every((e) => e.outcome === 'refused')).toBe(true);
  });
});

describe('forward proxy, HTTPS', () => {
  it('without --mitm, tunnels CONNECT blindly (end-to-end TLS with the real server)', async () => {
    const proxy = await startProxy({});
    const res = await curl(['-x', proxy.url, '--cacert', api.caFile, `${api.origin}/tunnelled`]);
    expect(res.status).toBe(200);
    expect(proxy.log.entries()).toMatchObject([{ method: 'CONNECT', outcome: 'tunnelled', status: 200 }]);
  });

  it('with --mitm, a client trusting the generated CA gets rules applied inside HTTPS (curl and undici)', async () => {
    const caDir = tempDir();
    const proxy = await startProxy({ mitm: true, caDir, upstreamCa: api.caPem });
    const caFile = join(caDir, 'expiryproof-ca.pem');
    proxy.rules.add([
      { id: 'strip', match: { path: '/api/save' }, action: { stripHeaders: ['authorization'] }, times: 1 },
      { id: 'expired', match: { path: '/api/expired' }, action: { status: 401 } },
    ]);
    const stripped = await curl([
      '-x',
      proxy.url,
      '--cacert',
      caFile,
      '-H',
      `Authorization: Bearer ${TOKEN}`,
      `${api.origin}/api/save`,
    ]);
    expect([stripped.status, JSON.parse(stripped.body).authorization]).toEqual([200, null]);
    const expired = await curl(['-x', proxy.url, '--cacert', caFile, `${api.origin}/api/expired`]);
    expect(expired.status).toBe(401);
    expect(expired.head).toMatch(/www-authenticate: Bearer/i);

    const dispatcher = new ProxyAgent({ uri: proxy.url, requestTls: { ca: readFileSync(caFile, 'utf8') } });
    const res = await undiciFetch(`${api.origin}/api/save`, {
      dispatcher,
      headers: { authorization: `Bearer ${TOKEN}` },
    });
    expect(await res.json()).toEqual({ url: '/api/save', authorization: `Bearer ${TOKEN}` }); // `times: 1` was spent
    await dispatcher.close();
    const entries = proxy.log.entries().filter((e) => e.method !== 'CONNECT');
    expect(entries.map((e) => [e.url, e.rules, e.status])).toEqual([
      [`${api.origin}/api/save`, ['strip'], 200],
      [`${api.origin}/api/expired`, ['expired'], 401],
      [`${api.origin}/api/save`, [], 200],
    ]);
    expect(JSON.stringify(proxy.log.entries())).not.toContain(TOKEN);
  });

  it('a client that does not trust the CA fails the handshake, and the log says why', async () => {
    const proxy = await startProxy({ mitm: true, caDir: tempDir(), upstreamCa: api.caPem });
    await expect(curl(['-x', proxy.url, `${api.origin}/x`])).rejects.toThrow();
    const [entry] = await eventually(
      () => proxy.log.entries(),
      (e) => e[0]?.outcome === 'failed',
    );
    expect(entry?.error).toMatch(/does the device trust the CA\? Open http:\/\/expiryproof\.proxy\//);
    expect(api.seen.some((s) => s.url === '/x')).toBe(false);
  });

  it('serves the CA and install instructions at http://expiryproof.proxy/, and keeps the CA across restarts', async () => {
    const caDir = tempDir();
    const proxy = await startProxy({ mitm: true, caDir });
    const page = await curl(['-x', proxy.url, 'http://expiryproof.proxy/']);
    expect(page.body).toContain('Certificate Trust Settings');
    const pem = await curl(['-x', proxy.url, 'http://expiryproof.proxy/ca.pem']);
    expect(pem.body).toBe(proxy.caCertificate);
    expect(pem.body).toMatch(/^-----BEGIN CERTIFICATE-----/);
    const direct = await curl([`${proxy.url}/ca.crt`]);
    expect(direct.head).toMatch(/application\/x-x509-ca-cert/);
    await proxy.close();
    const again = await startProxy({ mitm: true, caDir });
    expect(again.caCertificate).toBe(proxy.caCertificate);
  });
});

describe('reverse proxy to an HTTPS upstream', () => {
  it('verifies the upstream certificate: trusted with --upstream-ca, a clear 502 without it', async () => {
    const trusted = await startProxy({ upstream: api.origin, upstreamCa: api.caPem });
    expect(await (await fetch(`${trusted.url}/api/me`)).json()).toEqual({
      url: '/api/me',
      authorization: null,
    });
    const untrusted = await startProxy({ upstream: api.origin });
    const res = await fetch(`${untrusted.url}/api/me`);
    expect(res.status).toBe(502);
    expect(((await res.json()) as { message: string }).message).toMatch(/TLS error .* --upstream-ca/);
  });
});
