import { chmodSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli, serve } from './cli-helpers.js';
import { startUpstream, tempDir } from './helpers.js';

const KEY = 'cli-test-key-0123456789abcdef';
const NO_KEY = { EXPIRYPROOF_PROXY_API_KEY: '' };

/** A file holding the key, readable by its owner only. */
function keyFile(mode = 0o600, content = `${KEY}\n`): string {
  const file = join(tempDir(), 'api-key');
  writeFileSync(file, content);
  chmodSync(file, mode);
  return file;
}

/** The arguments of the command the banner suggests ("Arm a fault:  npx expiryproof-proxy …   (list: …)"). */
function suggestedCommand(printed: string[]): string[] {
  const line = printed.find((l) => l.startsWith('Arm a fault:')) ?? '';
  const command = /npx expiryproof-proxy (.*?)\s{2,}\(list:/.exec(line)?.[1] ?? '';
  return command.split(' ');
}

// Each case starts several processes; on a busy two-core machine that takes longer than the default 20 s.
const SLOW = { timeout: 60_000 };

describe('the control API key', SLOW, () => {
  it('is refused on the command line, where ps shows it, with the way to pass it instead', async () => {
    const upstream = await startUpstream();
    const served = await cli(
      ['--upstream', upstream.origin, '--listen', '127.0.0.1:0', '--api', '127.0.0.1:0', '--api-key', KEY],
      NO_KEY,
      8000,
    );
    const remote = await cli(['rules', '--api', '127.0.0.1:9', '--api-key', KEY], NO_KEY, 8000);
    for (const { code, stderr } of [served, remote]) {
      expect(code).toBe(2);
      expect(stderr).toMatch(
        /--api-key is not accepted: .*\(ps\)\. Put it in EXPIRYPROOF_PROXY_API_KEY, or in a file passed with --api-key-file <path>/,
      );
      expect(stderr).not.toContain(KEY);
    }
  });

  it('is read from EXPIRYPROOF_PROXY_API_KEY; the banner says a key is required and where it came from', async () => {
    const upstream = await startUpstream();
    const { api, printed } = await serve(['--upstream', upstream.origin], { EXPIRYPROOF_PROXY_API_KEY: KEY });
    expect(printed.join('\n')).toContain(
      `control API  http://${api} (key required, from EXPIRYPROOF_PROXY_API_KEY)`,
    );
    expect(printed.join('\n')).not.toContain(KEY);
    const without = await cli(['rules', '--api', api], NO_KEY);
    expect([without.code, without.stderr]).toEqual([
      1,
      expect.stringContaining('Authorization: Bearer <api key>'),
    ]);
    expect((await cli(['rules', '--api', api], { EXPIRYPROOF_PROXY_API_KEY: KEY })).code).toBe(0);
  });

  it('is read from --api-key-file; the banner’s command passes the same file', async () => {
    const upstream = await startUpstream();
    const file = keyFile();
    const { api, printed } = await serve(['--upstream', upstream.origin, '--api-key-file', file], NO_KEY);
    expect(printed.join('\n')).toContain(`(key required, from ${file})`);
    expect(suggestedCommand(printed)).toEqual([
      'arm',
      'mid-flight-expiry',
      '--api',
      api,
      '--api-key-file',
      file,
    ]);
    expect((await cli(['rules', '--api', api], NO_KEY)).code).toBe(1);
    const withFile = await cli(['rules', '--api', api, '--api-key-file', file], NO_KEY);
    expect([withFile.code, withFile.stderr]).toEqual([0, '']);
    // A key other users can read is reported, not silently used; an empty or missing file is an input error.
    const shared = await cli(['rules', '--api', api, '--api-key-file', keyFile(0o644)], NO_KEY);
    expect([shared.code, shared.stderr]).toEqual([
      0,
      expect.stringMatching(/can be read by other users .*chmod 600/),
    ]);
    const empty = await cli(['rules', '--api', api, '--api-key-file', keyFile(0o600, '\n')], NO_KEY);
    expect([empty.code, empty.stderr]).toEqual([2, expect.stringContaining('is empty')]);
    const missing = await cli(['rules', '--api', api, '--api-key-file', join(tempDir(), 'nope')], NO_KEY);
    expect([missing.code, missing.stderr]).toEqual([2, expect.stringContaining('cannot read')]);
  });

  it('is required for an API other machines can reach, and the banner warns about it', async () => {
    const upstream = await startUpstream();
    const open = await cli(
      ['--upstream', upstream.origin, '--listen', '127.0.0.1:0', '--api', '0.0.0.0:0'],
      NO_KEY,
      8000,
    );
    expect([open.code, open.stderr]).toEqual([
      2,
      expect.stringContaining('can be reached from your network, so the control API needs a key'),
    ]);
    const file = keyFile();
    const { api, printed } = await serve(
      ['--upstream', upstream.origin, '--api', '0.0.0.0:0', '--api-key-file', file],
      NO_KEY,
    );
    expect(printed.join('\n')).toContain(
      'note: the control API is reachable from your network: every call needs the key',
    );
    // The suggested command reaches the API from this machine.
    const port = api.split(':').at(-1);
    expect(suggestedCommand(printed)).toEqual([
      'arm',
      'mid-flight-expiry',
      '--api',
      `127.0.0.1:${port}`,
      '--api-key-file',
      file,
    ]);
    expect((await cli(suggestedCommand(printed), NO_KEY)).stdout).toContain('armed mid-flight-expiry');
  });
});

describe('the start-up banner', SLOW, () => {
  it('prints commands that name the control API in use, so copying one arms this proxy', async () => {
    const upstream = await startUpstream();
    const { api, printed } = await serve(['--upstream', upstream.origin], NO_KEY);
    const command = suggestedCommand(printed);
    expect(command).toEqual(['arm', 'mid-flight-expiry', '--api', api]);
    const armed = await cli(command, NO_KEY);
    expect([armed.code, armed.stdout]).toEqual([0, expect.stringContaining('armed mid-flight-expiry')]);
    expect((await cli(['rules', '--api', api], NO_KEY)).stdout).toMatch(/^mid-flight-expiry +armed/);
  });

  it('never shows the upstream’s userinfo', async () => {
    const upstream = await startUpstream();
    const { printed } = await serve(
      ['--upstream', `http://alice:pass-${KEY}@127.0.0.1:${upstream.port}`],
      NO_KEY,
    );
    expect(printed[0]).toContain(`→ http://***@127.0.0.1:${upstream.port}`);
    expect(printed.join('\n')).not.toContain(KEY);
  });
});

describe('an upstream that is the proxy itself', SLOW, () => {
  it('exits 2 at start-up with the reason', async () => {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as { port: number };
    await new Promise((resolve) => server.close(resolve));
    const self = await cli(
      ['--upstream', `http://localhost:${port}`, '--listen', `127.0.0.1:${port}`, '--api', '127.0.0.1:0'],
      NO_KEY,
      8000,
    );
    expect([self.code, self.stderr]).toEqual([2, expect.stringContaining('is this proxy itself')]);
  });
});
