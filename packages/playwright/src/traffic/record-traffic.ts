import type { Frame, Page, Request } from '@playwright/test';
import { type UrlPattern, urlMatches } from '../url-pattern.js';

/** One request as recorded: never the token itself, only whether one was sent. */
export interface TrafficEntry {
  readonly id: number;
  readonly method: string;
  readonly url: string;
  readonly resourceType: string;
  /** Whether the request carried `Authorization: Bearer …` as the page sent it. */
  readonly bearer: boolean;
  /** Milliseconds since recording started. */
  readonly start: number;
  end: number | undefined;
  status: number | undefined;
  failure: string | undefined;
}

export interface RecordTrafficOptions {
  /** Which requests are refresh calls (for `toHaveRefreshedTimes`). Default: URLs containing `refresh`. */
  refresh?: UrlPattern | undefined;
  /** Record only these resource types. Default: fetch and xhr. */
  resourceTypes?: readonly string[] | undefined;
}

/** A live log of a page's requests and main-frame navigations. */
export interface TrafficLog {
  /** Epoch milliseconds the recording started; entry times are relative to it. */
  readonly startedAt: number;
  readonly entries: readonly TrafficEntry[];
  /** Main-frame URLs the page has been at since recording started (or was cleared), the URL it was at first. */
  readonly navigations: readonly string[];
  readonly refreshPattern: UrlPattern;
  matching(pattern: UrlPattern): TrafficEntry[];
  /** Forgets what was recorded so far (e.g. the sign-in), so assertions cover only what follows. */
  clear(): void;
  /** Resolves once no recorded request is pending (or after `timeout` ms). */
  settled(timeout?: number): Promise<void>;
  stop(): void;
}

/** Starts recording a page's traffic. Entries are added as requests start and completed as they end. */
export function recordTraffic(page: Page, options: RecordTrafficOptions = {}): TrafficLog {
  const types = new Set(options.resourceTypes ?? ['fetch', 'xhr']);
  const started = Date.now();
  const entries: TrafficEntry[] = [];
  const navigations: string[] = [];
  const here = () => {
    if (page.url() !== 'about:blank') navigations.push(page.url());
  };
  here();
  const open = new Map<Request, TrafficEntry>();
  // Headers are read asynchronously; completion events must wait for the entry to exist.
  const pending = new Map<Request, Promise<void>>();

  const onRequest = (request: Request) => {
    if (!types.has(request.resourceType())) return;
    const start = Date.now() - started;
    pending.set(
      request,
      request
        .allHeaders()
        .catch(() => request.headers())
        .then((headers) => {
          const entry: TrafficEntry = {
            id: entries.length + 1,
            method: request.method(),
            url: request.url(),
            resourceType: request.resourceType(),
            bearer: /^bearer\s/i.test(headers.authorization ?? ''),
            start,
            end: undefined,
            status: undefined,
            failure: undefined,
          };
          entries.push(entry);
          open.set(request, entry);
        }),
    );
  };
  const finish = (request: Request, failed: boolean) => {
    const ready = pending.get(request);
    if (!ready) return;
    void ready.then(async () => {
      const entry = open.get(request);
      if (!entry) return;
      const response = failed ? null : await request.response().catch(() => null);
      entry.status = response?.status();
      entry.failure = failed ? (request.failure()?.errorText ?? 'failed') : undefined;
      entry.end = Date.now() - started;
      open.delete(request);
      pending.delete(request);
    });
  };
  const onFinished = (request: Request) => finish(request, false);
  const onFailed = (request: Request) => finish(request, true);
  const onNavigated = (frame: Frame) => {
    if (frame === page.mainFrame()) navigations.push(frame.url());
  };

  page.on('request', onRequest);
  page.on('requestfinished', onFinished);
  page.on('requestfailed', onFailed);
  page.on('framenavigated', onNavigated);

  return {
    startedAt: started,
    entries,
    navigations,
    refreshPattern: options.refresh ?? /refresh/i,
    matching: (pattern) => entries.filter((entry) => urlMatches(pattern, entry.url)),
    clear() {
      entries.length = 0;
      navigations.length = 0;
      here();
    },
    async settled(timeout = 5_000) {
      const deadline = Date.now() + timeout;
      while ((pending.size > 0 || open.size > 0) && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
    },
    stop() {
      page.off('request', onRequest);
      page.off('requestfinished', onFinished);
      page.off('requestfailed', onFailed);
      page.off('framenavigated', onNavigated);
    },
  };
}
