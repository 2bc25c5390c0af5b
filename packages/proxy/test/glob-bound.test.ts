import { Agent, request } from 'undici';
import { afterEach, describe, expect, it } from 'vitest';
import { createProxyClient, ProxyApiError } from '../src/index.js';
import { serve } from './cli-helpers.js';
import { startProxy, startUpstream } from './helpers.js';

const dispatchers: Agent[] = [];
afterEach(async () => {
  await Promise.all(dispatchers.splice(0).map((d) => d.close()));
});

describe('path and host globs have a bounded cost', () => {
  it('refuses extglobs and other syntax it cannot match in bounded time, naming the field and the glob', async () => {
    const proxy = await startProxy({});
    const client = createProxyClient({ url: proxy.apiUrl });
    const refused = await client.rules
      .add({ match: { path: '/@(a|a)*(a*)b' }, action: { status: 401 } })
      .catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(ProxyApiError);
    expect(refused).toMatchObject({
      status: 400,
      code: 'invalid_rule',
      problems: [
        'rule.match.path: "/@(a|a)*(a*)b" extglobs like "@(…)" are not supported (matching them can stall the proxy): use {a,b} for alternatives',
      ],
    });
    const others = await client.rules
      .add([
        { match: { host: '+(a|b).example.com' }, action: {} },
        { match: { path: ['/ok/**', '/{1..3}'] }, action: {} },
        { unless: { path: '/x/!(y)' }, action: {} },
        { match: { path: `/${'*a'.repeat(70)}` }, action: {} },
      ])
      .catch((error: ProxyApiError) => error.problems);
    expect(others).toEqual([
      'rules[0].match.host: "+(a|b).example.com" extglobs like "+(…)" are not supported (matching them can stall the proxy): use {a,b} for alternatives',
      'rules[1].match.path: "/{1..3}" ranges like {1..3} are not supported: list the values, like {1,2,3}',
      'rules[2].unless.path: "/x/!(y)" extglobs like "!(…)" are not supported (matching them can stall the proxy): use {a,b} for alternatives',
      'rules[3]: the globs need 142 matcher states together (at most 128): shorten them or split them over several rules',
    ]);
    expect(proxy.rules.list()).toEqual([]);
  });

  it('a pathological glob cannot stall the proxy: it and another client are answered within 100 ms', async () => {
    const upstream = await startUpstream();
    // A real proxy process: a stalled one must not stall the test too.
    const { url, api } = await serve(['--upstream', upstream.origin]);
    const client = createProxyClient({ url: `http://${api}` });
    // Star after star: a backtracking matcher tries every way of splitting the path between them. With
    // picomatch's regular expressions this froze the proxy for seconds on the 30-character path below.
    const stars = `/${'*a'.repeat(10)}*b`;
    const widest = `/${'*a'.repeat(62)}*b`; // the most a rule may need (128 states)
    await client.rules.add([
      { id: 'widest', match: { path: widest }, action: { status: 418 } },
      { id: 'stars', match: { path: stars }, action: { status: 418 } },
    ]);
    const dispatcher = new Agent({ connections: 4 });
    dispatchers.push(dispatcher);
    const timed = async (path: string) => {
      const started = performance.now();
      const res = await request(`${url}${path}`, { dispatcher, signal: AbortSignal.timeout(10_000) });
      await res.body.dump();
      return { status: res.statusCode, ms: performance.now() - started };
    };
    // Warm: connections open, code compiled, the rules run once.
    await Promise.all([timed('/aab'), timed('/probe'), timed('/aab'), timed('/probe')]);

    for (const adversarial of [`/${'a'.repeat(29)}`, `/${'a'.repeat(15_000)}`]) {
      // The best of three: a glob that stalls the event loop makes every attempt slow, while a busy machine
      // (CI running other suites on its two cores) only delays some of them.
      const attempts: Array<{ evaluated: number; other: number }> = [];
      for (let attempt = 0; attempt < 3; attempt++) {
        const slow = timed(adversarial);
        await new Promise((resolve) => setTimeout(resolve, 5));
        const [evaluated, other] = await Promise.all([slow, timed('/probe')]);
        expect([evaluated.status, other.status]).toEqual([200, 200]);
        attempts.push({ evaluated: evaluated.ms, other: other.ms });
      }
      // A correctness bound, not a speed figure: the freeze was ~18 s.
      const best = (key: 'evaluated' | 'other') => Math.min(...attempts.map((a) => a[key]));
      expect(best('evaluated'), `the ${adversarial.length}-character path`).toBeLessThan(100);
      expect(best('other'), 'another client').toBeLessThan(100);
    }
    // And the rules still match what they should.
    const status = async (path: string) => (await fetch(`${url}${path}`)).status;
    expect(await status(`/${'xa'.repeat(62)}b`)).toBe(418);
    expect(await status(`/${'xa'.repeat(10)}b`)).toBe(418);
    expect(await status(`/${'xa'.repeat(9)}b`)).toBe(200);
    expect((await client.rules.list()).map((r) => [r.id, r.hits])).toEqual([
      ['widest', 1],
      ['stars', 1],
    ]);
  });
});
