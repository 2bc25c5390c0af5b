import { describe, expect, it } from 'vitest';
import { createProxyClient, ProxyApiError, SCENARIO_NAMES } from '../src/index.js';
import { startProxy, startUpstream } from './helpers.js';

const json = { 'content-type': 'application/json' };

describe('control API over HTTP', () => {
  it('adds, lists, gets and deletes rules; JSON errors carry a status, a code and every problem', async () => {
    const upstream = await startUpstream();
    const proxy = await startProxy({ upstream: upstream.origin });
    const api = (path: string, init?: RequestInit) => fetch(`${proxy.apiUrl}${path}`, init);

    const added = await api('/rules', {
      method: 'POST',
      headers: json,
      body: JSON.stringify({
        match: { method: 'POST', path: '/api/profile/save' },
        action: { stripHeaders: ['authorization'] },
        times: 1,
      }),
    });
    expect(added.status).toBe(201);
    const [rule] = ((await added.json()) as { rules: Array<{ id: string }> }).rules;
    expect(rule).toMatchObject({ id: 'r1', state: 'armed', hits: 0 });

    const bad = await api('/rules', {
      method: 'POST',
      headers: json,
      body: JSON.stringify([
        { match: { path: '/ok' }, action: { status: 401 } },
        { match: { path: 'no-slash', method: 7 }, action: { strip_headers: ['x'], status: 99 }, times: 0 },
      ]),
    });
    expect(bad.status).toBe(400);
    const { error } = (await bad.json()) as { error: { code: string; problems: string[] } };
    expect(error.code).toBe('invalid_rule');
    expect(error.problems).toEqual([
      'rules[1].times: must be a whole number ≥ 1',
      'rules[1].match.method: must be a string or a list of strings',
      'rules[1].match.path: must start with "/" or "*" (got "no-slash")',
      'rules[1].action: unknown field "strip_headers" (known: stripHeaders, setHeaders, status, body, headers, delay, reset, throttle)',
      'rules[1].action.status: must be an HTTP status from 200 to 599',
    ]);
    // All or nothing: the valid first rule of the bad batch was not added either.
    expect(((await (await api('/rules')).json()) as { rules: unknown[] }).rules).toHaveLength(1);

    expect((await api('/rules/r1')).status).toBe(200);
    expect((await api('/rules/r1', { method: 'DELETE' })).status).toBe(200);
    const missing = await api('/rules/r1', { method: 'DELETE' });
    expect([missing.status, ((await missing.json()) as { error: { code: string } }).error.code]).toEqual([
      404,
      'not_found',
    ]);
    const wrongMethod = await api('/rules', { method: 'PATCH' });
    expect([wrongMethod.status, wrongMethod.headers.get('allow')]).toEqual([405, 'GET, POST, PUT']);
    expect((await api('/rules', { method: 'POST', headers: json, body: '{not json' })).status).toBe(400);
    expect((await api('/rules', { method: 'POST', body: '{}' })).status).toBe(415);
    expect((await api('/rules', { method: 'POST', headers: json, body: 'x'.repeat(1_100_000) })).status).toBe(
      413,
    );
    expect((await api('/nothing-here')).status).toBe(404);
  });

  it('refuses web pages (Origin) and, with a key, anyone without it', async () => {
    const upstream = await startUpstream();
    const proxy = await startProxy({ upstream: upstream.origin, apiKey: 'k3y' });
    const fromPage = await fetch(`${proxy.apiUrl}/reset`, {
      method: 'POST',
      headers: { origin: 'https://evil.example', authorization: 'Bearer k3y' },
    });
    expect(fromPage.status).toBe(403);
    expect((await fetch(`${proxy.apiUrl}/rules`)).status).toBe(401);
    expect(
      (await fetch(`${proxy.apiUrl}/rules`, { headers: { authorization: 'Bearer wrong' } })).status,
    ).toBe(401);
    expect((await fetch(`${proxy.apiUrl}/rules`, { headers: { authorization: 'Bearer k3y' } })).status).toBe(
      200,
    );
  });
});

describe('typed client', () => {
  it('drives a running proxy: rules, scenarios, log, reset', async () => {
    const upstream = await startUpstream();
    const proxy = await startProxy({ upstream: upstream.origin, apiKey: 'k3y' });
    const client = createProxyClient({ url: proxy.apiUrl, apiKey: 'k3y' });

    expect(await client.info()).toMatchObject({
      name: 'expiryproof-proxy',
      mode: 'reverse',
      upstream: upstream.origin,
    });
    expect((await client.scenarios()).map((s) => s.name)).toEqual([...SCENARIO_NAMES]);
    const armed = await client.arm('refresh-unavailable', { refreshPath: '/auth/refresh' });
    expect(armed.map((r) => r.id)).toEqual(['refresh-unavailable.token', 'refresh-unavailable.refresh']);
    // Arming again replaces, never duplicates.
    await client.arm('refresh-unavailable', { refreshPath: '/auth/refresh' });
    expect((await client.rules.list()).map((r) => r.id)).toEqual([
      'refresh-unavailable.token',
      'refresh-unavailable.refresh',
    ]);

    const token = { authorization: 'Bearer held-by-the-app' };
    expect((await fetch(`${proxy.url}/api/data`, { headers: token })).status).toBe(401);
    expect((await fetch(`${proxy.url}/auth/refresh`, { method: 'POST' })).status).toBe(503);
    expect((await fetch(`${proxy.url}/auth/refresh`, { method: 'POST' })).status).toBe(200);
    expect(
      (await fetch(`${proxy.url}/api/data`, { headers: { authorization: 'Bearer refreshed' } })).status,
    ).toBe(200);
    const log = await client.log();
    expect(log.map((e) => [e.method, e.status, e.rules])).toEqual([
      ['GET', 401, ['refresh-unavailable.token']],
      ['POST', 503, ['refresh-unavailable.refresh']],
      ['POST', 200, []],
      ['GET', 200, []],
    ]);
    expect(await client.log({ since: log[2]?.seq ?? 0, limit: 10 })).toHaveLength(1);

    await client.rules.replace([{ id: 'only', action: {} }]);
    expect((await client.rules.get('only')).state).toBe('armed');
    await client.rules.remove('only');
    await client.reset();
    expect([await client.rules.list(), await client.log()]).toEqual([[], []]);

    const error = await client.rules.add({ action: { status: 42 } }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ProxyApiError);
    expect(error).toMatchObject({
      status: 400,
      code: 'invalid_rule',
      problems: ['rule.action.status: must be an HTTP status from 200 to 599'],
    });
    await expect(client.arm('no-such-scenario' as never)).rejects.toMatchObject({
      status: 400,
      message: /unknown scenario/,
    });
    await expect(createProxyClient({ url: 'http://127.0.0.1:9' }).info()).rejects.toMatchObject({
      code: 'unreachable',
    });
  });
});
