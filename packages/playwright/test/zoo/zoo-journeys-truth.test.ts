/**
 * The journey apps (a select that saves on change, a create dialog in a list, no form, a sign-in page at
 * /signin) and the multi-tab pair render and behave as their shapes say, and their ground truth — from the real
 * event, see truth-journeys.ts — is what they were built to give.
 */
import { type Browser, chromium } from '@playwright/test';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumLaunchOptions } from '../../src/browser.js';
import type { CheckResult } from '../../src/check.js';
import { journeyAuditConfigFor, ZOO_JOURNEY_APPS, ZOO_TAB_APPS, zooApp } from './apps.js';
import { auditZooApp } from './audit-zoo.js';
import { startZooApp } from './server/index.js';
import {
  computeJourneyTruthTable,
  formatJourneyTruthEvidence,
  formatJourneyTruthTable,
  type JourneyScenario,
  type JourneyTruthTable,
  SAVE_SCENARIOS,
} from './truth-journeys.js';
import { ZOO_SEEDED_TASKS, ZOO_USER, type ZooApp } from './types.js';

let browser: Browser;
beforeAll(async () => {
  browser = await chromium.launch(chromiumLaunchOptions());
}, 60_000);
afterAll(() => browser?.close());

const APPS = [...ZOO_JOURNEY_APPS, ...ZOO_TAB_APPS];

describe('the journey and tab apps', () => {
  const post = (url: string, body: unknown, headers: Record<string, string> = {}) =>
    fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify(body),
    });

  it('serve their own pages only, and sign-in where their shape says', async () => {
    const pages = async (name: string) => {
      const zoo = await startZooApp(zooApp(name), {
        accessTtlMs: 60_000,
        thirdPartyOrigin: 'http://localhost:9',
      });
      try {
        const paths = ['/login', '/signin', '/notes', '/dashboard', '/settings', '/tasks'];
        const served = await Promise.all(
          paths.map(async (p) => (await fetch(zoo.origin + p)).status === 200),
        );
        const home = await fetch(`${zoo.origin}/`, { redirect: 'manual' });
        return { pages: paths.filter((_, i) => served[i]), root: home.headers.get('location') };
      } finally {
        await zoo.close();
      }
    };
    expect(await pages('select-on-change/correct')).toEqual({
      pages: ['/login', '/dashboard', '/settings'],
      root: '/login',
    });
    expect(await pages('create-dialog/redirect')).toEqual({
      pages: ['/login', '/dashboard', '/tasks'],
      root: '/login',
    });
    expect(await pages('no-form/correct')).toEqual({ pages: ['/login', '/dashboard'], root: '/login' });
    expect(await pages('signin-page/correct')).toEqual({
      pages: ['/signin', '/notes', '/dashboard'],
      root: '/signin',
    });
    expect(await pages('multi-tab/expiryproof')).toEqual({ pages: ['/login', '/dashboard'], root: '/login' });
  });

  /** Starts an app with a long lifetime and signs in through the API: its origin, bearer header and refresh token. */
  const signedIn = async (name: string) => {
    const zoo = await startZooApp(zooApp(name), {
      accessTtlMs: 60_000,
      thirdPartyOrigin: 'http://localhost:9',
    });
    const login = (await (await post(`${zoo.origin}/api/auth/login`, ZOO_USER)).json()) as {
      accessToken: string;
      refreshToken: string;
    };
    return { zoo, auth: { authorization: `Bearer ${login.accessToken}` }, refreshToken: login.refreshToken };
  };

  it('keep the settings and the tasks (seeded as if from earlier runs) on the server, each app its own', async () => {
    const settings = await signedIn('select-on-change/correct');
    try {
      const { zoo, auth } = settings;
      const put = await fetch(`${zoo.origin}/api/settings`, {
        method: 'PUT',
        headers: { 'content-type': 'application/json', ...auth },
        body: JSON.stringify({ theme: 'solarized' }),
      });
      expect([put.status, await put.json()]).toEqual([200, { theme: 'solarized' }]);
      expect((await fetch(`${zoo.origin}/api/tasks`, { headers: auth })).status).toBe(404);
      expect(await zoo.control.stats()).toMatchObject({ settings: { theme: 'solarized' }, settingsPuts: 1 });
    } finally {
      await settings.zoo.close();
    }
    const tasks = await signedIn('create-dialog/correct');
    try {
      const { zoo, auth } = tasks;
      const created = await post(`${zoo.origin}/api/tasks`, { title: 'x' }, auth);
      expect([created.status, await created.json()]).toEqual([201, { id: 4, title: 'x' }]);
      const list = (await (await fetch(`${zoo.origin}/api/tasks`, { headers: auth })).json()) as {
        tasks: Array<{ title: string }>;
      };
      expect(list.tasks.map((t) => t.title)).toEqual([...ZOO_SEEDED_TASKS, 'x']);
      expect((await fetch(`${zoo.origin}/api/settings`, { headers: auth })).status).toBe(404);
      expect(await zoo.control.stats()).toMatchObject({ taskPosts: 1, tasks: [...ZOO_SEEDED_TASKS, 'x'] });
    } finally {
      await tasks.zoo.close();
    }
  });

  it('a logout revokes the session, not its live access tokens; the tab pair refreshes in 100 ms', async () => {
    const { zoo, auth, refreshToken } = await signedIn('multi-tab/independent');
    try {
      const began = Date.now();
      const refreshed = await post(`${zoo.origin}/api/auth/refresh`, { refreshToken });
      expect(refreshed.status).toBe(200);
      expect(Date.now() - began).toBeGreaterThanOrEqual(95);
      const rotated = (await refreshed.json()) as { accessToken: string; refreshToken: string };

      expect(
        (await post(`${zoo.origin}/api/auth/logout`, { refreshToken: rotated.refreshToken })).status,
      ).toBe(204);
      expect(
        (await post(`${zoo.origin}/api/auth/refresh`, { refreshToken: rotated.refreshToken })).status,
      ).toBe(401);
      // Both access tokens of the signed-out session still work until they expire, and the server counts them.
      expect((await fetch(`${zoo.origin}/api/panels/1`, { headers: auth })).status).toBe(200);
      expect(
        (await fetch(`${zoo.origin}/api/me`, { headers: { authorization: `Bearer ${rotated.accessToken}` } }))
          .status,
      ).toBe(200);
      expect(await zoo.control.stats()).toMatchObject({
        logouts: 1,
        loggedOutCalls: 2,
        loggedOutServed: 2,
        reuseDetected: 0,
      });
    } finally {
      await zoo.close();
    }
  });

  it('have audit configs in the shape with journeys', () => {
    const config = (name: string) => journeyAuditConfigFor(zooApp(name), 'http://app', 'http://third');
    expect(config('select-on-change/correct')).toMatchObject({
      login: { path: '/login', done: '**/dashboard' },
      journeys: [
        { name: 'theme', path: '/settings', input: '#theme', success: { dialog: 'Settings saved' } },
      ],
    });
    expect(
      (config('select-on-change/correct').journeys as Array<Record<string, unknown>>)[0],
    ).not.toHaveProperty('save');
    expect(config('create-dialog/correct')).toMatchObject({
      journeys: [{ name: 'new task', before: ['#new-task'], save: '#create', success: 'network' }],
    });
    expect(config('no-form/correct')).not.toHaveProperty('journeys');
    expect(config('signin-page/redirect')).toMatchObject({
      login: { path: '/signin', done: '**/notes' },
      loginPage: '**/signin',
    });
    expect(config('multi-tab/expiryproof')).toMatchObject({
      logout: '#logout',
      tabs: { path: '/dashboard', click: '#reload-data', count: 3 },
      concurrent: { path: '/dashboard', count: 3, click: '#reload-data' },
    });
  });
});

/**
 * What each app is here to show: the save scenarios where there is something to save, the concurrent calls and
 * the third-party call where there is nothing else, the tab scenarios for the pair. (`journeyScenariosFor`
 * lists more — e.g. token-leak for every app — for whoever compares with the audit.)
 */
const SHOWN = (app: ZooApp): readonly JourneyScenario[] =>
  app.ui === 'dashboard'
    ? ['concurrent-expiry', 'token-leak']
    : app.ui === 'tabs'
      ? ['tabs', 'logout-everywhere']
      : SAVE_SCENARIOS;

describe('ground truth of the journey and tab apps, from real expiry', () => {
  let table: JourneyTruthTable;
  const truth = (app: string, scenario: JourneyScenario) => table[app]?.[scenario]?.verdict;
  const row = (app: string) => Object.fromEntries(SHOWN(zooApp(app)).map((s) => [s, truth(app, s)]));

  beforeAll(async () => {
    const started = Date.now();
    const times: string[] = [];
    table = await computeJourneyTruthTable(APPS, browser, {
      scenarios: SHOWN,
      concurrency: 3,
      onTruth: (app, scenario, _truth, ms) =>
        times.push(`${app.name} · ${scenario}: ${(ms / 1000).toFixed(1)} s`),
    });
    const cells = APPS.reduce((n, app) => n + SHOWN(app).length, 0);
    console.log(
      `journey truth table (${APPS.length} apps, ${cells} truths in ${((Date.now() - started) / 1000).toFixed(0)} s):\n${formatJourneyTruthTable(table)}\n\n${formatJourneyTruthEvidence(table)}\n\n${times.join('\n')}`,
    );
  }, 300_000);

  it('never ends a truth with a harness error or timeout', () => {
    const broken = Object.entries(table).flatMap(([app, cells]) =>
      Object.entries(cells)
        .filter(
          ([, t]) => /^(error|timed out):/.test(t.evidence) || /closing the context hung/.test(t.evidence),
        )
        .map(([scenario, t]) => `${app} · ${scenario}: ${t.evidence}`),
    );
    expect(broken).toEqual([]);
  });

  it('a careful client survives every journey but a revoked session; the lazy redirect loses each one', () => {
    for (const ui of ['select-on-change', 'create-dialog', 'signin-page']) {
      expect(row(`${ui}/correct`), `${ui}/correct`).toEqual({
        'mid-flight-expiry': 'passed',
        'refresh-rejected': 'failed',
        'refresh-unavailable': 'passed',
        'still-unauthorized': 'passed',
        'idle-return': 'passed',
      });
      expect(row(`${ui}/redirect`), `${ui}/redirect`).toEqual({
        'mid-flight-expiry': 'failed',
        'refresh-rejected': 'failed',
        'refresh-unavailable': 'failed',
        'still-unauthorized': 'passed',
        'idle-return': 'failed',
      });
    }
  });

  it('success is what each UI shows: the alert and the theme on the server; the task in the list and on the server', () => {
    expect(table['select-on-change/correct']!['mid-flight-expiry']!.evidence).toMatch(/theme was saved/);
    expect(table['create-dialog/correct']!['mid-flight-expiry']!.evidence).toMatch(/task was saved/);
    expect(table['create-dialog/redirect']!['mid-flight-expiry']!.evidence).toMatch(/sign-in page/);
  });

  it('an app with no form still has its concurrent calls and third-party call judged', () => {
    expect(row('no-form/correct')).toEqual({ 'concurrent-expiry': 'passed', 'token-leak': 'passed' });
  });

  it('tabs that each refresh on their own present one rotating refresh token together: reuse revokes them', () => {
    expect(truth('multi-tab/independent', 'tabs')).toBe('failed');
    expect(table['multi-tab/independent']!.tabs!.evidence).toMatch(/refresh-token reuse/);
    expect(truth('multi-tab/expiryproof', 'tabs')).toBe('passed');
  });

  it('a sign-out reaches the other tabs only with the engine; the independent tabs go on with their token', () => {
    expect(truth('multi-tab/independent', 'logout-everywhere')).toBe('failed');
    expect(table['multi-tab/independent']!['logout-everywhere']!.evidence).toMatch(
      /made with the signed-out session's token, [1-9]\d* of them still served/,
    );
    expect(truth('multi-tab/expiryproof', 'logout-everywhere')).toBe('passed');
    expect(table['multi-tab/expiryproof']!['logout-everywhere']!.evidence).toMatch(/by themselves/);
  });

  it('the audit gives the verdict the real event gives, for every journey, tab and no-form app (truth/verdict)', async () => {
    const audits = new Map<string, CheckResult>();
    let next = 0;
    const worker = async () => {
      while (next < APPS.length) {
        const app = APPS[next++]!;
        const { result } = await auditZooApp(app, { check: { scenarios: SHOWN(app) } });
        audits.set(app.name, result);
      }
    };
    await Promise.all([worker(), worker()]);
    // Read in discovery: without it, the scenarios changing one select would run at once and see each
    // other's saves (a theme "restored" after sign-in that another scenario had saved).
    expect(audits.get('select-on-change/correct')!.discovery?.inputKinds).toEqual({
      'journeys[0]': 'select',
    });
    const lines: string[] = [];
    const wrong: string[] = [];
    for (const app of APPS) {
      const cells = SHOWN(app).map((scenario) => {
        const t = truth(app.name, scenario);
        const audited = audits.get(app.name)!.scenarios.filter((s) => s.name === scenario);
        // A save scenario runs once per journey; each journey app has one.
        const v = audited.map((s) => s.status).join('+');
        if (v !== t)
          wrong.push(
            `${app.name} · ${scenario}: truth ${t} (${table[app.name]?.[scenario]?.evidence}), audit ${v} (${audited.map((s) => `${s.details}; ${s.evidence.join(' | ')}`).join(' / ')})`,
          );
        return `${scenario} ${t}/${v}${v === t ? '' : ' ✗'}`;
      });
      lines.push(`${app.name}: ${cells.join(', ')}`);
    }
    console.log(`journeys, tabs and no-form apps (truth/verdict):\n${lines.join('\n')}`);
    expect(wrong, lines.join('\n')).toEqual([]);
  }, 900_000);
});
