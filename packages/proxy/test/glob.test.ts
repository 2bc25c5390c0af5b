import { describe, expect, it } from 'vitest';
import { compileGlobs, globListProblems } from '../src/rules/glob-match.js';

/** [glob, value, matches] */
const CASES: Array<[string, string, boolean]> = [
  ['/exact', '/exact', true],
  ['/exact', '/exact/', false],
  ['/api/*/save', '/api/profile/save', true],
  ['/api/*/save', '/api/a/b/save', false],
  ['/api/**', '/api', true],
  ['/api/**', '/api/a/b', true],
  ['/api/**', '/apis', false],
  ['**/refresh', '/v1/auth/refresh', true],
  ['**/refresh', 'refresh', true],
  ['**/refresh', '/v1/auth/refresh/x', false],
  ['/a/**/b', '/a/b', true],
  ['/a/**/b', '/a/x/y/b', true],
  ['/a/**/b', '/a/xb', false],
  ['/auth/{refresh,token}', '/auth/token', true],
  ['/v{1,2}/{a,b{c,d}}', '/v2/bd', true],
  ['/v{1,2}/{a,b{c,d}}', '/v3/a', false],
  ['/file-[0-9][0-9].txt', '/file-42.txt', true],
  ['/file-[0-9][0-9].txt', '/file-4x.txt', false],
  ['/a/[!b]x', '/a/ax', true],
  ['/a/[!b]x', '/a/bx', false],
  ['/a/[!b]x', '/a//x', false], // classes never match "/"
  ['/a?c', '/abc', true],
  ['/a?c', '/a/c', false],
  ['/a\\*b', '/a*b', true],
  ['/a\\*b', '/axb', false],
  ['/[-a]', '/-', true],
  ['/caf[é]/*', '/café/menu', true], // beyond ASCII
  ['/naïve*', '/naïve-übung', true],
  ['*.example.com', 'api.example.com', true],
  ['*.example.com', 'example.com', false],
  ['*.example.com', 'a.b.example.com', true],
  // Wider than one 32-bit word of states.
  [`/${'[a-c]x'.repeat(20)}/**`, `/${'bx'.repeat(20)}/deep/er`, true],
  [`/${'[a-c]x'.repeat(20)}/**`, `/${'bx'.repeat(19)}dx`, false],
  [`/${'*a'.repeat(62)}*b`, `/${'xa'.repeat(62)}b`, true],
  [`/${'*a'.repeat(62)}*b`, `/${'xa'.repeat(61)}b`, false],
];

describe('glob matching', () => {
  it.each(CASES)('%s ~ %s → %s', (glob, value, expected) => {
    expect(globListProblems([glob]).problems).toEqual([]);
    expect(compileGlobs([glob])(value)).toBe(expected);
  });

  it('a list matches when any glob does, literals and globs alike', () => {
    const matches = compileGlobs(['/exact', '/api/**', '**/logout']);
    expect(['/exact', '/api/x', '/v1/logout', '/other'].map(matches)).toEqual([true, true, true, false]);
  });
});
