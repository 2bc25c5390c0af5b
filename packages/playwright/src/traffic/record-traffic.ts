import type { Frame, Page, Request, Response } from '@playwright/test';
import { type UrlPattern, urlMatches } from '../url-pattern.js';

/** How a chaos helper tampered with a request's token: replaced by an expired one, or removed. */
export type Tampering = 'stale' | 'stripped';

/**
 * One request as recorded: never the token itself, only whether one was sent.
 *
 * A request is answered when its response headers arrive: `status` and `end` are set then, whether or not the
 * page ever reads the body. The status is authoritative: a 401 whose body the page cancels is still a 401.
 */
export interface TrafficEntry {
  readonly id: number;
  readonly method: string;
  readonly url: string;
  readonly resourceType: string;
  /** Whether the request carried `Authorization: Bearer …` as the page sent it. */
  readonly bearer: boolean;
  /** Milliseconds since recording started. */
  readonly start: number;
  /**
   * Milliseconds since recording started at which the response headers arrived, or the request failed without
   * a response. Not when the body ended: a body may be cancelled or never read.
   */
  end: number | undefined;
  /** The response's status, from its headers; undefined while waiting for them or if none ever came. */
  status: number | undefined;
  /** Why no response arrived at all (e.g. `net::ERR_ABORTED`); undefined whenever there is a `status`. */
  failure: string | undefined;
  /** Why the body of a response that did arrive was not received to the end (e.g. the page cancelled it). */
  readonly bodyFailure?: string | undefined;
  /** How a chaos helper tampered with this request, as told to `TrafficLog.tag`. */
  readonly tampered?: Tampering | undefined;
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
  /** The same navigations with when they happened (ms since recording started), for timelines. */
  readonly visits: readonly { at: number; url: string }[];
  readonly refreshPattern: UrlPattern;
  matching(pattern: UrlPattern): TrafficEntry[];
  /** Forgets what was recorded so far (e.g. the sign-in), so assertions cover only what follows. */
  clear(): void;
  /**
   * Resolves once every recorded request has its response headers or has failed (or after `timeout` ms).
   * Bodies are not waited for: one the page never reads would otherwise hold this up for the whole timeout.
   */
  settled(timeout?: number): Promise<void>;
  /**
   * Marks the entry of `request` (e.g. `route.request()` in a route handler) as tampered with, now or, while
   * its headers are still being read, as soon as the entry exists. A request the log does not record is ignored.
   */
  tag(request: Request, how: Tampering): void;
  stop(): void;
}

/** The entry as the recorder writes it; callers see the readonly `TrafficEntry`. */
type Recorded = { -readonly [K in keyof TrafficEntry]: TrafficEntry[K] };
type Outcome = Partial<Pick<Recorded, 'end' | 'status' | 'failure' | 'bodyFailure' | 'tampered'>>;

/** What the recorder knows of one request. */
interface Flight {
  /** Undefined while the headers (for `bearer`) are read: the entry is added only once it is complete. */
  entry: Recorded | undefined;
  /** What happened before the entry existed, applied when it is created. */
  early: Outcome;
  /** Response headers arrived or the request failed: nothing more to wait for in `settled()`. */
  answered: boolean;
}

/** Starts recording a page's traffic. Entries are added as requests start and completed as they are answered. */
export function recordTraffic(page: Page, options: RecordTrafficOptions = {}): TrafficLog {
  const types = new Set(options.resourceTypes ?? ['fetch', 'xhr']);
  const started = Date.now();
  const entries: Recorded[] = [];
  const navigations: string[] = [];
  const visits: { at: number; url: string }[] = [];
  const here = () => {
    if (page.url() !== 'about:blank') navigations.push(page.url());
  };
  here();
  // Kept after a request is answered (a late body failure or `tag()` still finds its entry); weak, so a
  // request's record goes with it.
  const flights = new WeakMap<Request, Flight>();
  // Flights `settled()` waits for: no entry yet, or no response headers nor failure yet.
  const open = new Set<Flight>();
  const waiters = new Set<() => void>();

  const now = () => Date.now() - started;
  const update = (flight: Flight, outcome: Outcome) => {
    Object.assign(flight.entry ?? flight.early, outcome);
  };
  const progress = (flight: Flight) => {
    if (!flight.entry || !flight.answered) return;
    open.delete(flight);
    if (open.size > 0) return;
    for (const wake of waiters) wake();
  };

  const onRequest = (request: Request) => {
    if (!types.has(request.resourceType())) return;
    const flight: Flight = { entry: undefined, early: {}, answered: false };
    const start = now();
    flights.set(request, flight);
    open.add(flight);
    void request
      .allHeaders()
      .catch(() => request.headers())
      .then((headers) => {
        flight.entry = {
          id: entries.length + 1,
          method: request.method(),
          url: request.url(),
          resourceType: request.resourceType(),
          bearer: /^bearer\s/i.test(headers.authorization ?? ''),
          start,
          end: undefined,
          status: undefined,
          failure: undefined,
          ...flight.early,
        };
        entries.push(flight.entry);
        progress(flight);
      });
  };
  const answer = (flight: Flight, outcome: Outcome) => {
    flight.answered = true;
    update(flight, { ...outcome, end: now() });
    progress(flight);
  };
  // Headers arrived: the status is known now, whatever then becomes of the body.
  const onResponse = (response: Response) => {
    const flight = flights.get(response.request());
    if (flight && !flight.answered) answer(flight, { status: response.status() });
  };
  const onFinished = (request: Request) => {
    const flight = flights.get(request);
    if (!flight || flight.answered) return;
    // Playwright reports the response first; this only guards against a finish that came without one.
    void request
      .response()
      .catch(() => null)
      .then((response) => answer(flight, { status: response?.status() }));
  };
  const onFailed = (request: Request) => {
    const flight = flights.get(request);
    if (!flight) return;
    const reason = request.failure()?.errorText ?? 'failed';
    // After a response the status stands: only the body was given up (by the page or the network).
    if (flight.answered) update(flight, { bodyFailure: reason });
    else answer(flight, { failure: reason });
  };
  const onNavigated = (frame: Frame) => {
    if (frame !== page.mainFrame()) return;
    navigations.push(frame.url());
    visits.push({ at: Date.now() - started, url: frame.url() });
  };

  page.on('request', onRequest);
  page.on('response', onResponse);
  page.on('requestfinished', onFinished);
  page.on('requestfailed', onFailed);
  page.on('framenavigated', onNavigated);

  return {
    startedAt: started,
    entries,
    navigations,
    visits,
    refreshPattern: options.refresh ?? /refresh/i,
    matching: (pattern) => entries.filter((entry) => urlMatches(pattern, entry.url)),
    clear() {
      entries.length = 0;
      navigations.length = 0;
      visits.length = 0;
      here();
    },
    settled(timeout = 5_000) {
      if (open.size === 0) return Promise.resolve();
      return new Promise<void>((resolve) => {
        const done = () => {
          clearTimeout(timer);
          waiters.delete(done);
          resolve();
        };
        const timer = setTimeout(done, timeout);
        waiters.add(done);
      });
    },
    tag(request, how) {
      const flight = flights.get(request);
      if (flight) update(flight, { tampered: how });
    },
    stop() {
      page.off('request', onRequest);
      page.off('response', onResponse);
      page.off('requestfinished', onFinished);
      page.off('requestfailed', onFailed);
      page.off('framenavigated', onNavigated);
    },
  };
}
