import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { type Browser, chromium } from '@playwright/test';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumLaunchOptions } from '../src/browser.js';
import type { Discovery } from '../src/check/discover/discover.js';
import { REPO_URL } from '../src/check/report/advice.js';
import { scenarioIds, writeHtmlReport } from '../src/check/report/html.js';
import { type Box, layoutTimeline, timelineSvg } from '../src/check/report/timeline-svg.js';
import type { CheckResult, Mark } from '../src/check/run-check.js';
import type { TrafficEntry } from '../src/traffic/record-traffic.js';
import { checkResult, type Reported, type ScenarioOverrides, scenarioResult } from './report-fixtures.js';

const APP = 'http://app.test';
let ids = 0;
function entry(path: string, start: number, status: number, extra: Partial<TrafficEntry> = {}): TrafficEntry {
  return {
    id: ++ids,
    method: 'POST',
    url: `${APP}${path}`,
    resourceType: 'fetch',
    bearer: true,
    start,
    end: start + 3,
    status,
    failure: undefined,
    ...extra,
  };
}

const scenario = (overrides: ScenarioOverrides) => scenarioResult({ durationMs: 2000, ...overrides });

/** A retry loop: sign-in, then 700 sends of the save (every tenth a refresh), then the trip to the login page. */
function loopTimeline(): Reported['timeline'] {
  const signIn = [entry('/api/login', 10, 200), entry('/api/me', 40, 200), entry('/api/tasks', 60, 200)];
  const sends = Array.from({ length: 700 }, (_, i) =>
    i % 10 === 9
      ? entry('/auth/refresh', 1000 + i * 4, 200, { bearer: false })
      : entry('/api/tasks/save-a-rather-long-path-name/with/segments', 1000 + i * 4, 401, {
          tampered: 'stale',
        }),
  );
  const marks: Mark[] = [
    { at: 990, label: 'API answers 401 to everything' },
    { at: 990, label: 'Save clicked' },
    { at: 991, label: 'something else at once' },
    { at: 3_800, label: 'window closed, and a label long enough to run off the right of the picture' },
    { at: 3_801, label: 'outcome: sent-to-login' },
  ];
  return {
    entries: [...signIn, ...sends],
    marks,
    armedAt: 990,
    navigations: [
      { at: 5, url: `${APP}/login` },
      { at: 3_790, url: `${APP}/login?next=%2Ftasks` },
    ],
  };
}

const intersects = (a: Box, b: Box) =>
  Math.min(a.x + a.width, b.x + b.width) - Math.max(a.x, b.x) > 0.5 &&
  Math.min(a.y + a.height, b.y + b.height) - Math.max(a.y, b.y) > 0.5;

/** Every pair of boxes that overlap, named, so a failure says which labels collide. */
function collisions(boxes: readonly { name: string; box: Box }[]): string[] {
  const found: string[] = [];
  boxes.forEach((a, i) => {
    for (const b of boxes.slice(i + 1)) if (intersects(a.box, b.box)) found.push(`${a.name} × ${b.name}`);
  });
  return found;
}

describe('timeline layout', () => {
  it('shows at most 60 rows of a 700-send loop and says how many it left out, keeping how it ended', () => {
    const timeline = loopTimeline();
    const layout = layoutTimeline(timeline);
    expect(layout.rows.length).toBeLessThanOrEqual(60);
    const gap = layout.rows.find((r) => r.kind === 'gap');
    // 700 sends and 1 navigation after the first action; 49 rows from the start and 10 from the end are shown.
    expect(gap).toEqual({ kind: 'gap', requests: 642, navigations: 0 });
    expect(layout.earlier).toBe(3);
    // The trip to the login page, at the very end, is among the rows kept from the end.
    expect(layout.rows.slice(-10).filter((r) => r.kind === 'navigation')).toMatchObject([
      { navigation: { url: `${APP}/login?next=%2Ftasks` } },
    ]);
    const svg = timelineSvg(timeline, '**/auth/refresh');
    expect(svg).toContain('… 642 more requests not shown …');
    expect(svg).toContain('3 earlier requests (sign-in) not shown');
    expect(svg).toContain('page → /login');
    // A credential the audit changed says so, however long the path.
    expect(svg.match(/<tspan fill="#7c3aed" font-weight="bold"> stale<\/tspan>/g)?.length).toBe(
      layout.rows.filter((r) => r.kind === 'request' && r.entry.tampered).length,
    );
  });

  it('puts each marker label on its own line below the bars, inside the picture, however close the markers are', () => {
    const crowded: Mark[] = [
      ...Array.from({ length: 8 }, (_, i) => ({ at: 1000, label: `simultaneous action ${i}` })),
      ...Array.from({ length: 4 }, (_, i) => ({
        at: 3_000 + i,
        label: `near the end ${'x'.repeat(i * 40)}`,
      })),
      { at: 2_000, label: 'y'.repeat(400) },
    ];
    for (const marks of [loopTimeline().marks, crowded]) {
      const layout = layoutTimeline({ ...loopTimeline(), marks });
      const labels = layout.marks.map((m, i) => ({ name: `${i}:${m.mark.label.slice(0, 20)}`, box: m.box }));
      expect(collisions([...labels, { name: 'rows', box: layout.plot }])).toEqual([]);
      for (const { box } of labels) {
        expect(box.x).toBeGreaterThanOrEqual(0);
        expect(box.x + box.width).toBeLessThanOrEqual(layout.width);
        expect(box.y + box.height).toBeLessThanOrEqual(layout.height);
      }
    }
  });
});

const PASSWORD_PAGE =
  '<h1 style="font:40px sans-serif;color:#b91c1c">Sign in</h1><p>the typed text is gone</p>';

describe('the HTML report', () => {
  let browser: Browser;
  let result: CheckResult;
  const dir = mkdtempSync(join(tmpdir(), 'expiryproof-report-'));

  beforeAll(async () => {
    browser = await chromium.launch(chromiumLaunchOptions());
    const page = await browser.newPage({ viewport: { width: 800, height: 500 } });
    await page.setContent(
      '<h1 style="font:40px sans-serif">New task</h1><textarea>ten minutes of typing</textarea>',
    );
    const before = await page.screenshot();
    await page.setContent(PASSWORD_PAGE);
    const after = await page.screenshot();
    await page.close();
    const discovery: Discovery = {
      credential: { kind: 'header', name: 'authorization' },
      source: 'discovered',
      calibration: undefined,
      mode: 'stale',
      rejects: [401],
      lifetimeMs: undefined,
      natural: undefined,
      notes: [
        'credential: the Authorization header (found after sign-in)',
        'calibration: GET /api/me → 200 as sent, 401 stale, 401 without it',
      ],
      problem: undefined,
      inputKinds: {},
      signedIn: undefined,
    };
    const midFlight = (journey: string): Reported =>
      scenario({
        name: 'mid-flight-expiry',
        journey,
        status: 'failed',
        details: 'sent to the login page: the input was lost',
        metrics: { refreshCalls: 1 },
        evidence: ['POST /api/tasks → 401 (credential stale)', 'POST /auth/refresh → 200'],
        screenshots: { before, after },
        timeline: {
          entries: [
            entry('/api/login', 10, 200),
            entry('/api/tasks', 1_210, 401, { tampered: 'stale', end: 1_260 }),
            entry('/auth/refresh', 1_270, 200, { bearer: false, end: 1_330 }),
            entry('/api/tasks', 1_340, 401, { end: 1_380 }),
          ],
          marks: [
            { at: 1_200, label: 'credential expired for the next save' },
            { at: 1_201, label: 'Save clicked' },
            { at: 1_500, label: 'outcome: sent-to-login' },
          ],
          armedAt: 1_200,
          navigations: [{ at: 1_400, url: `${APP}/login?next=%2Ftasks%2Fnew` }],
        },
      });
    result = checkResult(
      [
        midFlight('new task'),
        // Slugs like the first: its id and screenshots must not clash with it.
        midFlight('New task!'),
        scenario({
          name: 'concurrent-expiry',
          status: 'failed',
          details: '4 refresh calls for 6 concurrent 401s (expected 1 shared refresh)',
          metrics: { refreshCalls: 4 },
        }),
        scenario({
          name: 'still-unauthorized',
          status: 'failed',
          details: 'a retry loop: the save was sent 630 times and the refresh called 70 times in 3 s',
          metrics: { saveSends: 630, refreshCalls: 70 },
          timeline: loopTimeline(),
          screenshots: { after },
        }),
        scenario({
          name: 'refresh-rejected',
          status: 'inconclusive',
          details: 'the fault never bit: <&"> no 401',
        }),
        scenario({ name: 'idle-return', status: 'skipped', details: 'skipped: no `form` in the config' }),
        scenario({
          name: 'token-leak',
          status: 'failed',
          details:
            'sent the credential (the Authorization header) to a third party (https://status.example.test)',
        }),
      ],
      { discovery, signIn: 'one sign-in per scenario, one at a time', durationMs: 30_000 },
    );
  });
  afterAll(() => browser?.close());

  it('gives every scenario a unique, URL-safe id', () => {
    const scenarios = result.scenarios as Reported[];
    const made = scenarioIds(scenarios);
    expect(made.slice(0, 3)).toEqual([
      'mid-flight-expiry-new-task',
      'mid-flight-expiry-new-task-2',
      'concurrent-expiry',
    ]);
    expect(new Set(made).size).toBe(made.length);
    for (const id of made) expect(id).toMatch(/^[a-z0-9]+(-[a-z0-9]+)*$/);
  });

  it('renders in Chromium with full-size screenshot links, advice per failure, and no overlapping labels', async () => {
    const file = await writeHtmlReport(dir, result, {
      title: 'expiryproof check',
      target: APP,
      refresh: '**/auth/refresh',
    });
    const html = readFileSync(file, 'utf8');
    expect(html).toContain('the fault never bit: &lt;&amp;&quot;&gt; no 401');
    const page = await browser.newPage({ viewport: { width: 1100, height: 900 } });
    try {
      await page.goto(pathToFileURL(file).href);
      // Thumbnails load lazily: load them all now to see that each one's file is there.
      await page.$$eval('img', (imgs) => {
        for (const img of imgs) img.loading = 'eager';
      });
      await page.waitForFunction(() => [...document.images].every((img) => img.complete));

      // Each thumbnail is wrapped in a link to its own PNG, which was written and loads.
      const shots = await page.$$eval('a.full-size', (links) =>
        links.map((a) => ({
          href: a.getAttribute('href'),
          img: a.querySelector('img')?.getAttribute('src'),
          loaded: (a.querySelector('img')?.naturalWidth ?? 0) > 0,
        })),
      );
      expect(shots.map((s) => s.href)).toEqual([
        'mid-flight-expiry-new-task-before.png',
        'mid-flight-expiry-new-task-after.png',
        'mid-flight-expiry-new-task-2-before.png',
        'mid-flight-expiry-new-task-2-after.png',
        'still-unauthorized-after.png',
      ]);
      for (const shot of shots) {
        expect(shot.img).toBe(shot.href);
        expect(shot.loaded).toBe(true);
        expect(existsSync(join(dir, shot.href!))).toBe(true);
      }

      const headings = await page.$$eval('section.scenario', (sections) =>
        sections.map((s) => [s.id, s.querySelector('h2')?.textContent?.replace(/^#\s*/, '')]),
      );
      expect(headings[0]).toEqual(['mid-flight-expiry-new-task', 'failed mid-flight-expiry › new task']);
      expect(await page.$$eval('.contents a', (links) => links.map((a) => a.getAttribute('href')))).toEqual(
        headings.map(([id]) => `#${id}`),
      );

      // A "What to do" line for each failure and nothing else, each linking into the project.
      const advice = await page.$$eval('section.scenario', (sections) =>
        sections.map((s) => ({
          status: s.classList[1],
          text: s.querySelector('.advice')?.textContent ?? null,
          link: s.querySelector('.advice a')?.getAttribute('href') ?? null,
        })),
      );
      for (const a of advice) {
        expect(a.text !== null, `${a.status}: ${a.text}`).toBe(a.status === 'failed');
        if (a.link) expect(a.link.startsWith(REPO_URL)).toBe(true);
      }
      expect(advice[2]!.text).toMatch(/share one refresh across requests/);
      expect(advice[3]!.text).toMatch(/replay at most once/);
      expect(await page.locator('ul.found').textContent()).toContain('credential: the Authorization header');

      const timeline = page.locator('#still-unauthorized svg.timeline');
      expect(await timeline.textContent()).toContain('… 642 more requests not shown …');

      // Measured as drawn: marker labels clear of one another, of the bars, diamonds and row labels; row labels clear of the bars.
      const drawn = await page.$$eval('svg.timeline', (svgs) =>
        svgs.map((svg) => {
          const boxes = (selector: string) =>
            [...svg.querySelectorAll<SVGGraphicsElement>(selector)].map((el, i) => {
              const { x, y, width, height } = el.getBBox();
              return {
                name: `${selector}#${i}: ${el.textContent?.slice(0, 30)}`,
                box: { x, y, width, height },
              };
            });
          return {
            width: Number(svg.getAttribute('width')),
            marks: boxes('.mark-label'),
            bars: boxes('.bar'),
            diamonds: boxes('.nav'),
            rowLabels: boxes('.row-label'),
          };
        }),
      );
      expect(drawn.length).toBe(3);
      for (const svg of drawn) {
        expect(collisions([...svg.marks, ...svg.bars, ...svg.diamonds])).toEqual([]);
        expect(collisions([...svg.marks, ...svg.rowLabels])).toEqual([]);
        expect(collisions([...svg.rowLabels, ...svg.bars, ...svg.diamonds])).toEqual([]);
        for (const { box } of svg.marks) expect(box.x + box.width).toBeLessThanOrEqual(svg.width);
      }

      await page.screenshot({ path: '/tmp/expiryproof-report.png', fullPage: true });
      await page.screenshot({ path: '/tmp/expiryproof-report-top.png' });
      await timeline.screenshot({ path: '/tmp/expiryproof-timeline-loop.png' });
      await page.locator('#mid-flight-expiry-new-task').screenshot({ path: '/tmp/expiryproof-scenario.png' });
    } finally {
      await page.close();
    }
  }, 60_000);
});
