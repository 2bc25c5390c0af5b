import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { curl, startProxy, startUpstream, tempDir } from './helpers.js';

describe('HTTP details a proxy must not break', () => {
  it('HEAD, 204 and 304 stay bodiless; chunked uploads and Expect: 100-continue arrive whole', async () => {
    const upstream = await startUpstream((req, res, body) => {
      if (req.url === '/empty') return void res.writeHead(204).end();
      if (req.url === '/cached') return void res.writeHead(304, { etag: '"v1"' }).end();
      res.setHeader('content-type', 'text/plain');
      res.end(`${req.method} ${req.headers['transfer-encoding'] ?? 'fixed'} ${body.length}`);
    });
    const proxy = await startProxy({ upstream: upstream.origin });

    const head = await curl(['-I', `${proxy.url}/page`]);
    expect([head.status, head.body]).toEqual([200, '']);
    expect((await curl([`${proxy.url}/empty`])).status).toBe(204);
    const cached = await curl(['-H', 'if-none-match: "v1"', `${proxy.url}/cached`]);
    expect([cached.status, cached.head]).toEqual([304, expect.stringMatching(/etag: "v1"/i)]);

    const dir = tempDir();
    writeFileSync(join(dir, 'small'), 'x'.repeat(70_000));
    writeFileSync(join(dir, 'big'), 'y'.repeat(1_500_000));
    const chunked = await curl([
      '-H',
      'transfer-encoding: chunked',
      '--data-binary',
      `@${join(dir, 'small')}`,
      `${proxy.url}/upload`,
    ]);
    expect(chunked.body).toBe('POST chunked 70000');
    // Bodies over 1 MB make curl ask first (Expect: 100-continue).
    const big = await curl([
      '-H',
      'expect: 100-continue',
      '--data-binary',
      `@${join(dir, 'big')}`,
      `${proxy.url}/upload`,
    ]);
    expect(big.body).toBe('POST fixed 1500000');
  });
});
