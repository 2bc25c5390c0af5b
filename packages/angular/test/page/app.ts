// The browser side of the spec: Angular's real HttpClient (JIT, zoneless, no component), with the default XHR
// backend or withFetch(), wired as the README shows. The spec drives it through `window.harness`; every
// answer it returns is plain data (a verdict of the server, or what the caller of HttpClient saw).
import '@angular/compiler'; // JIT: the npm packages of Angular are partially compiled
import {
  HttpClient,
  HttpContext,
  HttpErrorResponse,
  HttpEventType,
  type HttpInterceptorFn,
  provideHttpClient,
  withFetch,
  withInterceptors,
} from '@angular/common/http';
import { type ApplicationRef, inject, provideZonelessChangeDetection } from '@angular/core';
import { createApplication } from '@angular/platform-browser';
import { createSession, type ReauthContext, type Session, type Tokens } from '@expiryproof/core';
import { finalize, firstValueFrom, type Subscription, tap } from 'rxjs';
import {
  EXPIRYPROOF_SESSION,
  expiryproofInterceptor,
  provideExpiryproof,
  SKIP_EXPIRYPROOF,
} from '../../src/index.js';
import { TUTORIAL_TOKENS, type TutorialTokens, tutorialInterceptor } from './tutorial-interceptor.js';

export interface Setup {
  backend: 'xhr' | 'fetch';
  tokens: TutorialTokens;
  /** The interceptor under test; `tutorial` is the negative control. */
  interceptor?: 'expiryproof' | 'tutorial';
  /** `isUnauthorized`: none (401), or one that also accepts 403, or GraphQL's 200 + UNAUTHENTICATED. */
  refused?: '401' | '403' | 'graphql';
  /** What the re-auth dialog does when the refresh token is rejected; `none`: no reauthenticate option. */
  reauth?: 'none' | 'decline' | 'sign-in';
}

/** What the caller of HttpClient got. */
export type Result =
  | { ok: true; status: number; body: unknown }
  | { ok: false; name: string; status?: number; reason?: string; message: string; body?: unknown };

/** The app's re-auth dialog service, as the README wires it: `reauthenticate` opens it. */
class ReauthDialog {
  opened = 0;
  constructor(
    private readonly http: HttpClient,
    private readonly choice: Setup['reauth'],
  ) {}
  open = async (_ctx: ReauthContext): Promise<Tokens | null> => {
    this.opened++;
    if (this.choice !== 'sign-in') return null; // the user pressed Cancel
    // The user typed the password; the login call must not wait for the refresh it is ending.
    const credentials = { email: 'demo@example.com', password: 'demo-password' };
    const tokens = await firstValueFrom(this.http.post<Tokens>('/auth/login', credentials, skip()));
    return { accessToken: tokens.accessToken, refreshToken: tokens.refreshToken };
  };
}

const skip = () => ({ context: new HttpContext().set(SKIP_EXPIRYPROOF, true) });

/** The session as an app would make it in `provideExpiryproof(() => ...)`: the refresh through HttpClient. */
function sessionFactory(setup: Setup, dialog: { current?: ReauthDialog }) {
  return (): Session => {
    const client = inject(HttpClient);
    const reauth = new ReauthDialog(client, setup.reauth);
    dialog.current = reauth;
    const session = createSession({
      // A refresh that cannot finish (say, one that waits for itself) fails the test in seconds.
      refreshTimeout: 5_000,
      refresh: async ({ refreshToken }) => {
        const body = { refreshToken };
        const tokens = await firstValueFrom(client.post<Tokens>('/auth/refresh', body, skip()));
        return { accessToken: tokens.accessToken, refreshToken: tokens.refreshToken };
      },
      ...(setup.reauth && setup.reauth !== 'none' ? { reauthenticate: reauth.open } : {}),
      ...(setup.refused === '403'
        ? { isUnauthorized: (r: Response) => r.status === 401 || r.status === 403 }
        : {}),
      ...(setup.refused === 'graphql' ? { isUnauthorized: isGraphQLUnauthenticated } : {}),
    });
    session.setTokens(setup.tokens);
    return session;
  };
}

async function isGraphQLUnauthenticated(response: Response): Promise<boolean> {
  if (response.status === 401) return true;
  if (!response.headers.get('content-type')?.includes('json')) return false;
  const body = (await response.clone().json()) as { errors?: { extensions?: { code?: unknown } }[] };
  return body.errors?.some((error) => error.extensions?.code === 'UNAUTHENTICATED') ?? false;
}

/**
 * Every attempt that went to the backend, seen by an interceptor after ours: whether it got an answer, and
 * whether it ended (an attempt that ended without an answer was cancelled).
 */
const attempts: Array<{ url: string; authorized: boolean; answered: boolean; ended: boolean }> = [];
const spy: HttpInterceptorFn = (req, next) => {
  const attempt = {
    url: req.urlWithParams,
    authorized: req.headers.has('authorization'),
    answered: false,
    ended: false,
  };
  attempts.push(attempt);
  return next(req).pipe(
    tap({
      next: (event) => {
        if (event.type === HttpEventType.Response) attempt.answered = true;
      },
      error: () => {
        attempt.answered = true;
      },
    }),
    finalize(() => {
      attempt.ended = true;
    }),
  );
};

let app: ApplicationRef | undefined;
const dialog: { current?: ReauthDialog } = {};

function toResult(error: unknown): Result {
  if (error instanceof HttpErrorResponse) {
    return { ok: false, name: error.name, status: error.status, message: error.message, body: error.error };
  }
  const e = error as { name?: string; message?: string; reason?: string };
  return {
    ok: false,
    name: e.name ?? 'unknown',
    message: String(e.message),
    ...(e.reason ? { reason: e.reason } : {}),
  };
}

const client = () => {
  if (!app) throw new Error('harness.setup() first');
  return app.injector.get(HttpClient);
};

function send(
  url: string,
  init: { method?: string; body?: unknown; bytes?: number[] } = {},
): Promise<Result> {
  const body = init.bytes ? new Uint8Array(init.bytes).buffer : init.body;
  const observable = client().request(init.method ?? 'GET', url, { body, observe: 'response' });
  return firstValueFrom(observable).then(
    (response): Result => ({ ok: true, status: response.status, body: response.body }),
    toResult,
  );
}

const started = new Map<string, Promise<Result[]>>();

const harness = {
  async setup(setup: Setup) {
    app?.destroy();
    attempts.length = 0;
    performance.setResourceTimingBufferSize(2_000);
    const chosen = setup.interceptor === 'tutorial' ? tutorialInterceptor : expiryproofInterceptor;
    const interceptors = withInterceptors([chosen, spy]);
    const features = setup.backend === 'fetch' ? [interceptors, withFetch()] : [interceptors];
    app = await createApplication({
      providers: [
        provideZonelessChangeDetection(),
        provideHttpClient(...features),
        provideExpiryproof(sessionFactory(setup, dialog)),
        { provide: TUTORIAL_TOKENS, useValue: { ...setup.tokens } },
      ],
    });
  },
  send,
  storm: (n: number, url: string) => Promise.all(Array.from({ length: n }, (_, i) => send(`${url}${i}`))),
  /** Starts `n` requests and keeps them; `settle(key)` awaits them. */
  start(key: string, n: number, url: string) {
    started.set(key, Promise.all(Array.from({ length: n }, (_, i) => send(`${url}${i}`))));
  },
  settle: (key: string) => started.get(key) ?? Promise.reject(new Error(`nothing started as ${key}`)),
  /** Subscribes, unsubscribes once `when` holds, and reports what the subscriber saw. */
  async abandon(url: string, when: 'in-flight' | 'parked') {
    const seen: string[] = [];
    const subscription: Subscription = client()
      .get(url, { observe: 'events' })
      .subscribe({
        next: (event) => seen.push(`event ${event.type}`),
        error: (error: unknown) => seen.push(`error ${String(error)}`),
        complete: () => seen.push('complete'),
      });
    const session = app!.injector.get(EXPIRYPROOF_SESSION);
    const ready = () => (when === 'parked' ? session.getStatus() === 'refreshing' : attempts.length > 0);
    while (!ready()) await new Promise((r) => setTimeout(r, 5));
    subscription.unsubscribe();
    return seen;
  },
  /** Cold: building the request sends nothing; each subscription is one request. */
  async twice(url: string) {
    const start = attempts.length;
    const observable = client().get(url);
    await new Promise((r) => setTimeout(r, 100));
    const before = attempts.length - start;
    const results = await Promise.all([firstValueFrom(observable), firstValueFrom(observable)]);
    return { before, after: attempts.length - start, results };
  },
  /** `take(1)` of `observe: 'events'`: unsubscribes synchronously, on the `Sent` event. */
  async firstEvent(url: string) {
    const event = await firstValueFrom(client().get(url, { observe: 'events' }));
    return { type: event.type, attempt: { ...attempts[attempts.length - 1] } };
  },
  attempts: () => attempts.map((a) => ({ ...a })),
  /** Which browser API carried the page's API calls (Resource Timing): `xmlhttprequest` or `fetch`. */
  initiators: () => [
    ...new Set(
      performance
        .getEntriesByType('resource')
        .filter((entry) => new URL(entry.name).pathname.startsWith('/api/'))
        .map((entry) => (entry as PerformanceResourceTiming).initiatorType),
    ),
  ],
  status: () => app?.injector.get(EXPIRYPROOF_SESSION).getStatus(),
  dialogOpened: () => dialog.current?.opened ?? 0,
};

(globalThis as { harness?: typeof harness }).harness = harness;
export type Harness = typeof harness;
