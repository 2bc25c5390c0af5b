/**
 * The pieces of `expiryproof init` that need no browser: the config source (any text a page shows must stay
 * a string or a comment, and every TODO must sit on a value that validates), URL globs, and how a recorded
 * journey is put together from the person's clicks and the traffic.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { assembleJourney } from '../src/check/init/assemble-journey.js';
import type { RecorderEvent } from '../src/check/init/recorder.js';
import type { Findings, SeenRequest } from '../src/check/init/types.js';
import { pathGlob, sameSite, siteOf } from '../src/check/init/url-glob.js';
import { renderConfig } from '../src/check/init/write-config.js';
import { loadWithPassword, scratchDir } from './init-zoo.js';

const scratch = scratchDir();
afterAll(() => scratch.remove());

const NASTY = `it's a "quote" \\ back\nslash */ \u2028 line`;
const ODD_SELECTOR = `input[name='o"dd']`;

function findings(overrides: Partial<Findings> = {}): Findings {
  return {
    baseURL: 'http://127.0.0.1:3000',
    login: {
      path: '/login',
      via: NASTY,
      user: ODD_SELECTOR,
      password: 'input[type=password]',
      submit: 'button:has-text("Sign in")',
      tried: ['/'],
    },
    userValue: NASTY,
    done: '**/home',
    landedPath: '/home',
    loginPage: '**/login*',
    api: { value: '**/api/**', seen: false, why: NASTY },
    refresh: { value: '**/auth/refresh', seen: false, why: NASTY },
    credential: undefined,
    journeys: [],
    concurrent: undefined,
    thirdParty: undefined,
    logout: undefined,
    notes: [NASTY],
    ...overrides,
  };
}

async function load(source: string, name: string) {
  const file = join(scratch.dir, name);
  writeFileSync(file, source);
  return loadWithPassword(file, 'pw');
}

describe('the config source', () => {
  it('keeps whatever a page shows inside strings and comments, and validates with only the required options', async () => {
    const source = renderConfig(findings(), 'a.config.ts');
    const config = await load(source, 'a.config.ts');
    expect(config.login).toEqual({
      path: '/login',
      fields: { [ODD_SELECTOR]: NASTY, 'input[type=password]': 'pw' },
      submit: 'button:has-text("Sign in")',
      done: '**/home',
    });
    expect(Object.keys(config)).toEqual(['baseURL', 'login', 'loginPage', 'api', 'refresh']);
    for (const todo of ['api', 'refresh', 'credential', 'journeys', 'concurrent'])
      expect(source).toContain(`// TODO(${todo}): `);
  });

  it('writes journeys, a concurrent page and a third party; a concurrent page without `ready` stays commented out', async () => {
    const source = renderConfig(
      findings({
        credential: { hint: { cookie: 'sid' }, description: 'the sid cookie', others: ['the x-csrf header'] },
        journeys: [
          {
            name: NASTY,
            path: '/tasks',
            before: ['#new'],
            input: 'select[name=status]',
            save: undefined,
            saveRequest: '**/api/tasks/*',
            saveRequestNote: undefined,
            success: { dialog: 'Saved "it"' },
            origin: 'recorded',
          },
        ],
        concurrent: {
          path: '/board',
          count: 4,
          ready: undefined,
          readyWhy: 'nothing repeats',
          click: undefined,
        },
        thirdParty: {
          path: '/board',
          pattern: 'https://status.example.com/**',
          origins: ['https://status.example.com'],
        },
      }),
      'b.config.ts',
    );
    const config = await load(source, 'b.config.ts');
    expect(config.credential).toEqual({ cookie: 'sid' });
    expect(config.journeys).toEqual([
      {
        name: NASTY,
        path: '/tasks',
        before: ['#new'],
        input: 'select[name=status]',
        saveRequest: '**/api/tasks/*',
        success: { dialog: 'Saved "it"' },
      },
    ]);
    expect(config.concurrent).toBeUndefined();
    expect(source).toContain('// concurrent: {');
    expect(source).toContain('// TODO(ready): nothing repeats. Then uncomment:');
    expect(config.thirdParty).toEqual({ path: '/board', pattern: 'https://status.example.com/**' });
  });
});

describe('URL globs', () => {
  it('makes ids wild and keeps names', () => {
    expect(pathGlob('http://x/api/tasks/42/comments?page=2')).toBe('**/api/tasks/*/comments');
    expect(pathGlob('http://x/api/items/0b5e7c1e-8d7a-4c53-9a43-5b2d1c9e8f10')).toBe('**/api/items/*');
    expect(pathGlob('http://x/api/auth/refresh')).toBe('**/api/auth/refresh');
    expect(pathGlob('http://x/api/notification-preferences')).toBe('**/api/notification-preferences');
  });

  it('tells the app’s own API host from a third party', () => {
    expect(siteOf('api.example.co.uk')).toBe('example.co.uk');
    expect(sameSite('https://app.example.com/', 'https://api.example.com/v1')).toBe(true);
    expect(sameSite('http://127.0.0.1:3000/', 'http://localhost:4000/')).toBe(false);
  });
});

describe('a recorded journey', () => {
  const request = (method: string, path: string, at: number, status = 200): SeenRequest => ({
    method,
    url: `http://app.test${path}`,
    type: 'fetch',
    headers: {},
    carriesPassword: false,
    status,
    setCookies: [],
    tokenFields: [],
    startedAt: at,
    endedAt: at + 50,
  });
  const isApi = () => true;

  it('the clicks that opened the form are `before`, and a dialog after the save is its success', () => {
    const events: RecorderEvent[] = [
      { type: 'click', selector: 'nav a[href="/tasks"]', link: true, path: '/home', at: 1_000 },
      { type: 'click', selector: '#new-task', link: false, path: '/tasks', at: 1_100 },
      { type: 'input', selector: 'input[name=title]', label: 'Title', path: '/tasks', at: 1_200 },
      { type: 'click', selector: '#create', link: false, path: '/tasks', at: 1_300 },
      { type: 'dialog', text: 'Task created', path: '/tasks', at: 1_400 },
    ];
    const requests = [request('GET', '/api/tasks', 1_050), request('POST', '/api/tasks', 1_310, 201)];
    expect(assembleJourney(events, requests, 0, isApi)?.journey).toEqual({
      path: '/tasks',
      before: ['#new-task'],
      input: 'input[name=title]',
      inputLabel: 'Title',
      save: '#create',
      saveRequest: '**/api/tasks',
      success: { dialog: 'Task created' },
    });
  });

  it('a select that saves on change has no save button; nothing saved is no journey', () => {
    const events: RecorderEvent[] = [
      { type: 'input', selector: 'select[name=status]', label: 'Status', path: '/tasks/7', at: 2_000 },
      { type: 'appeared', selector: '.toast', text: 'Updated', path: '/tasks/7', at: 2_200 },
    ];
    const assembled = assembleJourney(events, [request('PATCH', '/api/tasks/7', 2_010)], 0, isApi);
    expect(assembled?.journey).toMatchObject({
      save: undefined,
      saveRequest: '**/api/tasks/*',
      success: '.toast',
    });
    expect(assembleJourney(events, [request('GET', '/api/tasks/7', 2_010)], 0, isApi)).toBeUndefined();
    expect(assembleJourney(events, [request('PATCH', '/api/tasks/7', 2_010)], 5_000, isApi)).toBeUndefined();
  });
});
