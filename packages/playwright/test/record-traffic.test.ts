import { EventEmitter, once } from 'node:events';
import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type Browser, chromium, type Page } from '@playwright/test';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { chromiumLaunchOptions } from '../src/browser.js';
import { trafficMatchers } from '../src/traffic/matchers.js';
import { recordTraffic, type TrafficEntry, type TrafficLog } from '../src/traffic/record-traffic.js';

// Headers go out at once; the body starts and never ends, so only the client can end the exchange.
function endlessBody(res: ServerResponse, status: number) {
  res.writeHead(status, { 'content-type': 'text/plain', 'transfer-encoding': 'chunked' });
  res.write('the start of a body that never ends');
}

/** Emits each request's path as it arrives, so a test can act once the server holds a request. */
const arrivals = new EventEmitter();
const saves = new Map<string, number>();

const server: Server = createServer((req, res) => {
  const url = new URL(req.url ?? '/', 'http://localhost');
  arrivals.emit(url.pathname);
  switch (url.pathname) {
    case '/':
      res.writeHead(200, { 'content-type': 'text/html' }).end('<!doctype html><title>traffic</title>');
      return;
    case '/cancelled-401':
      endlessBody(res, 401);
      return;
    case '/unread-200':
      endlessBody(res, 200);
      return;
    case '/held':
      return; // never answered: the page gives up first
    case '/save': {
      // Each run (query `run`) gets 401 with an endless body first, then 200.
      const run = url.searchParams.get('run') ?? '';
      const count = (saves.get(run) ?? 0) + 1;
      saves.set(run, count);
      if (count === 1) endlessBody(res, 401);
      else res.writeHead(200, { 'content-type': 'application/json' }).end('{"saved":true}');
      return;
    }
    default:
      res.writeHead(204).end();
  }
});

let origin = '';
let browser: Browser;
let page: Page;
let traffic: TrafficLog;

beforeAll(async () => {
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  browser = await chromium.launch(chromiumLaunchOptions());
}, 30_000);

afterAll(async () => {
  await browser?.close();
  // The endless bodies and the held request keep their sockets open: close() alone would wait for them.
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

beforeEach(async () => {
  page = await browser.newPage();
  await page.goto(origin);
  traffic = recordTraffic(page);
});

afterEach(async () => {
  traffic.stop();
  await page.close();
});

const only = (path: string): TrafficEntry => {
  const found = traffic.matching(`${origin}${path}`);
  expect(found, JSON.stringify(traffic.entries)).toHaveLength(1);
  return found[0]!;
};

describe('recordTraffic records a status when the headers arrive, whatever becomes of the body', () => {
  it('a chunked 401 whose body the page cancels keeps its status; the cancel is a body failure', async () => {
    // Chromium reports the cancelled body as a failed request, shortly after the response.
    const bodyCancelled = page.waitForEvent('requestfailed');
    const status = await page.evaluate(async () => {
      const res = await fetch('/cancelled-401');
      await res.body?.cancel();
      return res.status;
    });
    expect(status).toBe(401);
    await traffic.settled(10_000);
    await bodyCancelled;
    const entry = only('/cancelled-401');
    expect(entry.status).toBe(401);
    // The status is authoritative: the cancelled body is not a request that got no response.
    expect(entry.failure).toBeUndefined();
    expect(entry.bodyFailure).toMatch(/ERR_ABORTED/);
    expect(entry.end).toBeGreaterThanOrEqual(entry.start);
  });

  it('a 200 whose body is never read has its status, and settled() does not wait for the body', async () => {
    const status = await page.evaluate(async () => (await fetch('/unread-200')).status);
    expect(status).toBe(200);
    const before = Date.now();
    await traffic.settled(10_000);
    // Not a speed check: waiting out the 10 s timeout would mean settled() waited for a body that never ends.
    expect(Date.now() - before).toBeLessThan(5_000);
    const entry = only('/unread-200');
    expect(entry.status).toBe(200);
    expect(entry.failure).toBeUndefined();
    expect(entry.end).toBeDefined();
  });

  it('a request aborted before any response has no status and a failure', async () => {
    const controller = await page.evaluateHandle(() => new AbortController());
    const arrived = once(arrivals, '/held');
    const outcome = page.evaluate(
      (ctrl) =>
        fetch('/held', { signal: ctrl.signal }).then(
          () => 'answered',
          (error: Error) => error.name,
        ),
      controller,
    );
    await arrived;
    await controller.evaluate((ctrl) => ctrl.abort());
    expect(await outcome).toBe('AbortError');
    await traffic.settled(10_000);
    const entry = only('/held');
    expect(entry.status).toBeUndefined();
    expect(entry.failure).toMatch(/abort/i);
    expect(entry.bodyFailure).toBeUndefined();
    expect(entry.end).toBeDefined();
  });

  it('toHaveReplayed passes when the 401 was replayed after its body was cancelled', async () => {
    const url = '/save?run=replay';
    const final = await page.evaluate(async (path) => {
      const first = await fetch(path, { method: 'POST' });
      if (first.status !== 401) return first.status;
      await first.body?.cancel();
      return (await fetch(path, { method: 'POST' })).status;
    }, url);
    expect(final).toBe(200);
    await traffic.settled(10_000);
    expect(traffic.matching(`${origin}${url}`).map((e) => e.status)).toEqual([401, 200]);
    const result = trafficMatchers.toHaveReplayed(traffic, `${origin}${url}`);
    expect(result.pass, result.message()).toBe(true);
  });

  it('settled() resolves at once when nothing was recorded, and as soon as the last request is answered', async () => {
    const idle = Date.now();
    await traffic.settled(10_000);
    expect(Date.now() - idle).toBeLessThan(5_000);
    // The server answers 204 at once; settled() must not need its timeout for it either.
    const started = page.waitForRequest('**/quick');
    const sent = page.evaluate(async () => (await fetch('/quick')).status);
    await started;
    const busy = Date.now();
    await traffic.settled(10_000);
    expect(Date.now() - busy).toBeLessThan(5_000);
    expect(await sent).toBe(204);
    expect(only('/quick').status).toBe(204);
  });
});

describe('TrafficLog.tag', () => {
  it('marks the entry of a request tagged from a route handler, before its entry exists', async () => {
    let entriesWhenTagged = -1;
    await page.route('**/tagged', async (route) => {
      entriesWhenTagged = traffic.entries.length;
      try {
        traffic.tag(route.request(), 'stripped');
      } finally {
        // Let the request through even if tagging throws, so a failure shows at once, not as a timeout.
        await route.continue();
      }
    });
    const status = await page.evaluate(async () => (await fetch('/tagged')).status);
    expect(status).toBe(204);
    await traffic.settled(10_000);
    // The entry waits for the headers as sent, so the tag came first and was kept for it.
    expect(entriesWhenTagged).toBe(0);
    expect(only('/tagged').tampered).toBe('stripped');
  });

  it('marks an entry tagged after its request was answered, and leaves the others alone', async () => {
    const first = page.waitForRequest('**/late-a');
    await page.evaluate(async () => {
      await fetch('/late-a');
      await fetch('/late-b');
    });
    await traffic.settled(10_000);
    traffic.tag(await first, 'stale');
    expect(only('/late-a').tampered).toBe('stale');
    expect(only('/late-b').tampered).toBeUndefined();
  });
});

describe('toHaveReplayed', () => {
  const entry = (id: number, status: number | undefined, failure?: string): TrafficEntry => ({
    id,
    method: 'POST',
    url: 'https://app.example.test/api/save',
    resourceType: 'fetch',
    bearer: true,
    start: id,
    end: id + 1,
    status,
    failure,
  });
  const log = (entries: TrafficEntry[]): TrafficLog => ({
    startedAt: 0,
    entries,
    navigations: [],
    visits: [],
    refreshPattern: /refresh/,
    matching: () => entries,
    clear: () => {},
    settled: async () => {},
    tag: () => {},
    stop: () => {},
  });

  it('does not count a replay that got no response as a successful one', () => {
    expect(
      trafficMatchers.toHaveReplayed(log([entry(1, 401), entry(2, undefined, 'net::ERR_FAILED')]), '**').pass,
    ).toBe(false);
    expect(trafficMatchers.toHaveReplayed(log([entry(1, 401), entry(2, undefined)]), '**').pass).toBe(false);
    expect(trafficMatchers.toHaveReplayed(log([entry(1, 401), entry(2, 200)]), '**').pass).toBe(true);
  });
});
