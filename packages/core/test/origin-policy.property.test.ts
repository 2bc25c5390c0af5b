/**
 * The origin policy skips URL parsing for strings that start with an allowed origin and a slash. Whatever
 * the string, its verdict must be the WHATWG parser's: the token goes to the same places either way.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createOriginPolicy } from '../src/session/origins.js';

const BASE = 'https://app.test/page';
const ORIGINS = ['https://api.test', 'http://127.0.0.1:4000', 'https://[::1]:8443', 'file:///srv/app'];

/** The verdict from parsing alone: what the session did before it had a fast path. */
function parsed(url: string): boolean {
  const allowed = new Set(ORIGINS.map((origin) => new URL(origin).origin));
  try {
    return allowed.has(new URL(url, BASE).origin);
  } catch {
    return false;
  }
}

// Pieces that tempt a prefix check into a wrong answer: userinfo, longer ports, host suffixes, backslashes,
// characters the parser strips, letter case, and the serialisation of opaque origins.
const piece = fc.constantFrom(
  '/',
  '//',
  '\\',
  '@',
  ':',
  '0',
  '1',
  '80',
  '.',
  '.evil.test',
  'evil.test',
  '?',
  '#',
  '%2F',
  '\t',
  '\n',
  ' ',
  'x',
  'API',
  'null',
);
const url = fc
  .tuple(
    fc.constantFrom('', ...ORIGINS, ...ORIGINS.map((o) => o.toUpperCase()), 'null'),
    fc.array(piece, { maxLength: 6 }),
  )
  .map(([start, rest]) => start + rest.join(''));

describe('origin policy', () => {
  const policy = createOriginPolicy({
    origins: ORIGINS,
    baseUrl: BASE,
    refresh: async () => ({ accessToken: 'x' }),
  });

  it('agrees with the URL parser for any string built around the allowed origins', () => {
    fc.assert(
      fc.property(url, (candidate) => {
        expect(policy(candidate) !== undefined, JSON.stringify(candidate)).toBe(parsed(candidate));
      }),
      { numRuns: 5_000 },
    );
  });

  it('sends where it judged: the URL it hands the transport, parsed on its own, has the origin it allowed', () => {
    fc.assert(
      fc.property(url, (candidate) => {
        const target = policy(candidate);
        if (target === undefined) return;
        const sent = String(target);
        let origin: string | undefined;
        try {
          // What a transport without a base (Node's fetch) makes of it.
          origin = new URL(sent).origin;
        } catch {
          origin = undefined;
        }
        expect(
          ORIGINS.some((o) => new URL(o).origin === origin),
          JSON.stringify(candidate),
        ).toBe(true);
      }),
      { numRuns: 5_000 },
    );
    // The form that fooled it: scheme-relative, read against the base by one parser, as a host by another.
    expect(policy('https:evil.test/x')).toBeUndefined();
    expect(policy('http:127.0.0.1:4000/x')).toBe('http://127.0.0.1:4000/x');
  });

  it('takes URL objects, and refuses what cannot be resolved', () => {
    expect(policy(new URL('https://api.test/x'))).toBeDefined();
    expect(policy(new URL('https://api.test.evil.test/x'))).toBeUndefined();
    expect(
      createOriginPolicy({ origins: ORIGINS, refresh: async () => ({ accessToken: 'x' }) })('/x'),
    ).toBeUndefined();
  });
});
