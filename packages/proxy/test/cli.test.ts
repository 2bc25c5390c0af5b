import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli, serve } from './cli-helpers.js';
import { startUpstream, tempDir } from './helpers.js';

describe('expiryproof-proxy CLI', () => {
  it('serves a reverse proxy with rules from a YAML file, and the subcommands drive it', async () => {
    const upstream = await startUpstream();
    const rulesFile = join(tempDir(), 'rules.yaml');
    writeFileSync(
      rulesFile,
      [
        'rules:',
        '  - id: slow-refresh',
        '    match: { path: /auth/refresh }',
        '    action: { delay: 10ms }',
        '',
      ].join('\n'),
    );
    const { url, api, printed } = await serve(['--upstream', upstream.origin, '--rules', rulesFile]);
    expect(printed.join('\n')).toContain('1 loaded from');

    const added = await cli([
      'rules',
      'add',
      '--api',
      api,
      '--method',
      'POST',
      '--path',
      '/api/profile/save',
      '--strip',
      'authorization',
      '--times',
      '1',
    ]);
    expect(added).toMatchObject({ code: 0 });
    expect(added.stdout).toMatch(/^added r1 +armed/);
    const seen = await (
      await fetch(`${url}/api/profile/save`, {
        method: 'POST',
        headers: { authorization: 'Bearer t' },
        body: '{}',
      })
    ).json();
    expect((seen as { headers: Record<string, string> }).headers.authorization).toBeUndefined();

    const list = await cli(['rules', '--api', api]);
    expect(list.stdout).toMatch(/slow-refresh +armed/);
    expect(list.stdout).toMatch(/r1 +spent +1 hits/);

    expect((await cli(['arm', 'mid-flight-expiry', '--api', api])).stdout).toContain(
      'armed mid-flight-expiry',
    );
    expect((await fetch(`${url}/api/data`, { headers: { authorization: 'Bearer t' } })).status).toBe(401);

    const log = await cli(['log', '--api', api]);
    expect(log.stdout).toMatch(
      /200 +forwarded POST http:\/\/127\.0\.0\.1:\d+\/api\/profile\/save 🔑 +\[r1\]/,
    );
    expect(log.stdout).toMatch(/401 +answered +GET .*\/api\/data 🔑 +\[mid-flight-expiry\]/);

    expect((await cli(['rules', 'rm', 'r1', '--api', api])).stdout).toBe('removed r1\n');
    expect((await cli(['reset', '--api', api])).code).toBe(0);
    expect((await cli(['rules', 'list', '--api', api])).stdout).toBe('no rules\n');
  });

  it('bad input exits 2 with a message; the running rule set is untouched', async () => {
    const upstream = await startUpstream();
    const { api } = await serve(['--upstream', upstream.origin]);
    await cli(['rules', 'add', '--api', api, '--path', '/keep', '--status', '503']);

    const malformed = await cli([
      'rules',
      'add',
      '--api',
      api,
      '--json',
      '{"match":{"path":"/x"},"action":{"stauts":401}}',
    ]);
    expect(malformed.code).toBe(2);
    expect(malformed.stderr).toContain('unknown field "stauts"');
    const notJson = await cli(['rules', 'add', '--api', api, '--json', '{oops']);
    expect([notJson.code, notJson.stderr]).toEqual([2, expect.stringContaining('not valid JSON or YAML')]);
    expect((await cli(['rules', 'add', '--api', api, '--status', 'abc'])).stderr).toContain(
      '--status must be a number',
    );
    expect((await cli(['arm', 'nope', '--api', api])).stderr).toContain('unknown scenario "nope"');
    expect((await cli(['rules', '--api', api])).stdout).toMatch(/^r1 +armed/);
    expect((await cli(['rules', 'rm', 'zzz', '--api', api])).stderr).toContain('no rule "zzz"');

    const badStart = await cli(['--upstream', 'not a url']);
    expect([badStart.code, badStart.stderr]).toEqual([
      2,
      expect.stringContaining('upstream must be an http:// or https:// URL'),
    ]);
    const badFile = join(tempDir(), 'bad.yaml');
    writeFileSync(badFile, '- match: { path: nope }\n  action: { status: 401 }\n');
    const badRules = await cli(['--upstream', upstream.origin, '--rules', badFile]);
    expect([badRules.code, badRules.stderr]).toEqual([
      2,
      expect.stringContaining('rules[0].match.path: must start with "/"'),
    ]);
    const noProxy = await cli(['rules', '--api', '127.0.0.1:9']);
    expect([noProxy.code, noProxy.stderr]).toEqual([1, expect.stringContaining('is the proxy running?')]);
  });

  it('lists scenarios and prints help', async () => {
    const scenarios = await cli(['scenarios']);
    expect(scenarios.stdout).toMatch(/^mid-flight-expiry +The token dies now/m);
    expect(scenarios.stdout).toMatch(/^refresh-unavailable /m);
    expect((await cli(['--help'])).stdout).toContain('expiryproof-proxy --upstream http://127.0.0.1:3000');
  });
});
