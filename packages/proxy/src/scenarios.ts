import { ProxyConfigError } from './errors.js';
import { parseDuration } from './rules/duration.js';
import type { Duration, RuleInput } from './rules/types.js';

/** Where a scenario's faults land in the app's traffic. */
export interface ScenarioOptions {
  /** Path glob(s) of the refresh call (default `["**\/refresh", "**\/token"]`). */
  refreshPath?: string | string[];
  /** Path glob(s) of the API calls that carry the access token (default `/**`). */
  apiPath?: string | string[];
  /** How long the scenario's rules stay armed (default 10 minutes): a forgotten scenario does not stay on. */
  ttl?: Duration;
  /** Host glob(s) of the app's own API: `token-leak` marks bearer tokens sent anywhere else. */
  apiHost?: string | string[];
}

/** The scenarios, named like the audit's (`expiryproof check`) so findings on a phone and in CI line up. */
export const SCENARIO_NAMES = [
  'mid-flight-expiry',
  'concurrent-expiry',
  'idle-return',
  'refresh-rejected',
  'refresh-unavailable',
  'refresh-slow',
  'refresh-dropped',
  'still-unauthorized',
  'strip-authorization',
  'token-leak',
] as const;
export type ScenarioName = (typeof SCENARIO_NAMES)[number];

type Resolved = Required<Omit<ScenarioOptions, 'apiHost'>> & Pick<ScenarioOptions, 'apiHost'>;

interface Scenario {
  summary: string;
  rules(o: Resolved): RuleInput[];
}

/** "The token the app holds dies": every request carrying it gets a real-looking 401 until the app refreshes. */
const tokenDies = (o: Resolved, id: string): RuleInput => ({
  id,
  description: 'The access token the app holds now dies: every request that carries it gets 401.',
  match: { path: o.apiPath, token: 'first-seen' },
  unless: { path: o.refreshPath },
  action: { status: 401 },
  ttl: o.ttl,
});

const onRefresh = (o: Resolved, id: string, action: RuleInput['action']): RuleInput => ({
  id,
  match: { path: o.refreshPath },
  action,
  times: 1,
  ttl: o.ttl,
});

const SCENARIOS: Record<ScenarioName, Scenario> = {
  'mid-flight-expiry': {
    summary:
      'The token dies now: the next save gets 401 mid-flight. The app should refresh, replay and keep the input.',
    rules: (o) => [tokenDies(o, 'mid-flight-expiry')],
  },
  'concurrent-expiry': {
    summary:
      'The token dies now: open a screen that loads several things at once. Expect one refresh, not one each.',
    rules: (o) => [tokenDies(o, 'concurrent-expiry')],
  },
  'idle-return': {
    summary:
      'As if the phone slept for an hour: the token is dead when the app wakes. Resume it and carry on.',
    rules: (o) => [tokenDies(o, 'idle-return')],
  },
  'refresh-rejected': {
    summary:
      'The token dies and the refresh token is rejected once (400 invalid_grant): the app should ask to sign in again without losing the input.',
    rules: (o) => [
      tokenDies(o, 'refresh-rejected.token'),
      onRefresh(o, 'refresh-rejected.refresh', { status: 400 }),
    ],
  },
  'refresh-unavailable': {
    summary: 'The token dies and the refresh endpoint answers 503 once: the app should retry, not log out.',
    rules: (o) => [
      tokenDies(o, 'refresh-unavailable.token'),
      onRefresh(o, 'refresh-unavailable.refresh', { status: 503 }),
    ],
  },
  'refresh-slow': {
    summary:
      'The token dies and the refresh takes 5 s: requests made meanwhile should wait for it, not fail.',
    rules: (o) => [tokenDies(o, 'refresh-slow.token'), onRefresh(o, 'refresh-slow.refresh', { delay: '5s' })],
  },
  'refresh-dropped': {
    summary:
      'The token dies and the refresh connection drops once (TCP reset): the app should retry, not log out.',
    rules: (o) => [
      tokenDies(o, 'refresh-dropped.token'),
      onRefresh(o, 'refresh-dropped.refresh', { reset: true }),
    ],
  },
  'still-unauthorized': {
    summary:
      'Every request with a token gets 401, even after a refresh: the app must stop after one retry, not loop.',
    rules: (o) => [
      {
        id: 'still-unauthorized',
        match: { path: o.apiPath, headers: { authorization: true } },
        unless: { path: o.refreshPath },
        action: { status: 401 },
        ttl: o.ttl,
      },
    ],
  },
  'strip-authorization': {
    summary:
      "The articles' test: Authorization is removed from the next request carrying it, so the API itself answers 401.",
    rules: (o) => [
      {
        id: 'strip-authorization',
        match: { path: o.apiPath, headers: { authorization: true } },
        unless: { path: o.refreshPath },
        action: { stripHeaders: ['authorization'] },
        times: 1,
        ttl: o.ttl,
      },
    ],
  },
  'token-leak': {
    summary:
      'Forward mode: marks every request that carries a bearer token to a host other than --api-host; read them with `log`.',
    rules: (o) => {
      if (!o.apiHost)
        throw new ProxyConfigError('token-leak needs the API host(s): --api-host api.example.com');
      return [
        {
          id: 'token-leak',
          description:
            'A bearer token sent to a host that is not the API (the request is let through, and marked).',
          match: { headers: { authorization: true } },
          unless: { host: o.apiHost },
          action: {},
          ttl: o.ttl,
        },
      ];
    },
  },
};

/** One line per scenario, for lists and help. */
export function describeScenarios(): Array<{ name: ScenarioName; summary: string }> {
  return SCENARIO_NAMES.map((name) => ({ name, summary: SCENARIOS[name].summary }));
}

/**
 * The rules of a ready-made scenario.
 * @throws {ProxyConfigError} for an unknown name or bad options
 */
export function scenarioRules(name: string, options: ScenarioOptions = {}): RuleInput[] {
  if (!(SCENARIO_NAMES as readonly string[]).includes(name))
    throw new ProxyConfigError(`unknown scenario "${name}"; known: ${SCENARIO_NAMES.join(', ')}`);
  const ttl = options.ttl ?? '10m';
  if (parseDuration(ttl) === undefined) throw new ProxyConfigError('ttl must be a duration like "10m"');
  return SCENARIOS[name as ScenarioName].rules({
    refreshPath: options.refreshPath ?? ['**/refresh', '**/token'],
    apiPath: options.apiPath ?? '/**',
    ttl,
    ...(options.apiHost ? { apiHost: options.apiHost } : {}),
  });
}
