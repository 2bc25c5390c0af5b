import type { RuleInput } from '@expiryproof/proxy';

/** The rule sets the benchmark arms, by name. */
export const RULE_SETS = {
  /**
   * Twenty rules as people arm them (`rules add --method POST --path /api/profile/save --strip authorization
   * --times 1`): a method, a literal path, a header to strip. GET rules on other paths make the path check run too.
   */
  user: () => userRules(20),
  /** Twenty rules using every kind of match: methods, path globs, headers, hosts, clients, tokens. */
  mixed: () => mixedRules(20),
} as const;

export type RuleSetName = keyof typeof RULE_SETS;

function userRules(n: number): RuleInput[] {
  const methods = ['POST', 'PUT', 'GET', 'PATCH', 'DELETE'];
  const resources = [
    'profile',
    'orders',
    'cart',
    'invoices',
    'settings',
    'team',
    'billing',
    'messages',
    'files',
    'tasks',
  ];
  return Array.from({ length: n }, (_, i) => ({
    match: {
      method: methods[i % methods.length] as string,
      path: `/api/${resources[i % resources.length]}/${i < resources.length ? 'save' : 'list'}`,
    },
    action: { stripHeaders: ['authorization'] },
    times: 1,
  }));
}

/**
 * `n` realistic rules (n ≤ 20) that the benchmark's requests (GET /bench with a bearer token) do not fire, so
 * every request pays for evaluating all of them: methods, path globs, headers, hosts, clients, tokens.
 */
function mixedRules(n: number): RuleInput[] {
  const all: RuleInput[] = [
    {
      match: { method: 'POST', path: '/api/profile/save' },
      action: { stripHeaders: ['authorization'] },
      times: 1,
    },
    { match: { method: 'PUT', path: '/api/profile/**' }, action: { status: 401 } },
    { match: { path: '/auth/refresh' }, action: { status: 503 }, times: 1 },
    { match: { path: '/auth/{refresh,token}' }, action: { delay: '2s' } },
    { match: { path: '/api/dashboard/*' }, action: { delay: 500 } },
    { match: { headers: { 'x-client': 'phone-a' } }, action: { status: 401 } },
    { match: { headers: { 'x-chaos': true } }, action: { reset: true } },
    { match: { path: '/bench', headers: { cookie: true } }, action: { status: 500 } },
    { match: { host: '*.example.com' }, action: { status: 502 } },
    { match: { host: 'api.other.test:8443' }, action: { status: 503 } },
    { match: { host: ['cdn.test', 'static.test'] }, action: { throttle: 10_000 } },
    { match: { client: '192.168.1.23' }, action: { stripHeaders: ['authorization'] } },
    { match: { client: '10.0.0.7', path: '/bench' }, action: { status: 401 } },
    { match: { token: 'revoked-token-1' }, action: { status: 401 } },
    { match: { token: ['revoked-token-2', 'revoked-token-3'] }, action: { status: 401 } },
    { match: { path: '/bench', token: 'revoked-token-4' }, action: { status: 401 } },
    { match: { method: 'DELETE' }, action: { status: 403 } },
    { match: { path: '/api/**/export.csv' }, action: { throttle: 1_000 } },
    { match: { method: ['PATCH', 'POST'], path: '/bench' }, action: { delay: '1s' } },
    { match: { path: '/ws/**', headers: { upgrade: true } }, action: { status: 401 }, probability: 0.5 },
  ];
  return all.slice(0, n);
}
