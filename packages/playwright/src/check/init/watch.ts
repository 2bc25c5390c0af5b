import type { BrowserContext, Request, Response } from '@playwright/test';
import type { SeenRequest } from './types.js';

/** Fields of a JSON answer that hand out a credential. */
const TOKEN_FIELD = /^(access_?token|token|id_?token|jwt|auth_?token|session_?token)$/i;
/** String literals in the app's scripts that look like a path or a URL (`'/api/profile/save'`, `"/refresh"`). */
const PATH_LITERAL = /["'`]((?:https?:\/\/[\w.:-]+)?(?:\/[\w\-.]+)+\/?)["'`]/g;
/** Distinct literals kept at most: a big bundle has many paths, and only a few are endpoints. */
const MAX_LITERALS = 5_000;
/** Scripts longer than this are not searched (a vendor bundle of megabytes says little about endpoints). */
const MAX_SCRIPT_CHARS = 5_000_000;

export interface Watcher {
  /** Document, fetch and XHR requests, in the order they left. */
  readonly requests: readonly SeenRequest[];
  /** Paths (or URLs) named in the app's own scripts, most mentioned first: endpoints the app may call. */
  endpointLiterals(): string[];
  /** Resolves once every header, answer and script read so far has been recorded. */
  settled(): Promise<void>;
  stop(): void;
}

/**
 * Watches every page of the context: what each data request sent (headers in memory only, for finding the
 * credential), what it was answered (status, the names of cookies set, token-like JSON fields), which request
 * carried the password, and which paths the app's scripts name (the endpoints it has not called yet). Values of credentials are never kept
 * beyond the headers, and nothing here is written anywhere.
 */
export function watch(
  context: BrowserContext,
  options: { password: string; ownScript: (url: string) => boolean },
) {
  const requests: SeenRequest[] = [];
  const byRequest = new Map<Request, SeenRequest>();
  const literals = new Map<string, number>();
  const pending = new Set<Promise<unknown>>();
  const track = (promise: Promise<unknown>) => {
    const quiet = promise.catch(() => {});
    pending.add(quiet);
    void quiet.finally(() => pending.delete(quiet));
  };
  const secret = options.password;
  // The password as it is, as a JSON string, a form body (spaces as +) or a URL-encoded one writes it.
  const encodings = [
    secret,
    JSON.stringify(secret).slice(1, -1),
    encodeURIComponent(secret),
    new URLSearchParams({ p: secret }).toString().slice(2),
  ];
  const carriesPassword = (body: string | null) =>
    secret !== '' && body !== null && encodings.some((encoded) => body.includes(encoded));

  const onRequest = (request: Request) => {
    const type = request.resourceType();
    if (!['fetch', 'xhr', 'document'].includes(type)) return;
    const record: SeenRequest = {
      method: request.method(),
      url: request.url(),
      type,
      headers: {},
      carriesPassword: request.method() !== 'GET' && carriesPassword(request.postData()),
      status: undefined,
      setCookies: [],
      tokenFields: [],
      startedAt: Date.now(),
      endedAt: undefined,
    };
    requests.push(record);
    byRequest.set(request, record);
    track(
      request.allHeaders().then((headers) => {
        record.headers = headers;
      }),
    );
  };
  const onResponse = (response: Response) => {
    const request = response.request();
    if (request.resourceType() === 'script' && options.ownScript(response.url())) {
      track(response.text().then(collectLiterals));
      return;
    }
    const record = byRequest.get(request);
    if (!record) return;
    record.status = response.status();
    track(
      response.headersArray().then((headers) => {
        for (const { name, value } of headers)
          if (name.toLowerCase() === 'set-cookie') record.setCookies.push(value.split('=')[0]!.trim());
      }),
    );
    const json = /json/i.test(response.headers()['content-type'] ?? '');
    if (json && record.type !== 'document')
      track(
        response.json().then((body: unknown) => {
          record.tokenFields = tokenFields(body);
        }),
      );
  };
  const onEnd = (request: Request) => {
    const record = byRequest.get(request);
    if (record) record.endedAt = Date.now();
  };
  const collectLiterals = (text: string) => {
    if (text.length > MAX_SCRIPT_CHARS) return;
    for (const match of text.matchAll(PATH_LITERAL)) {
      const literal = match[1]!;
      if (literal.length <= 200 && (literals.has(literal) || literals.size < MAX_LITERALS))
        literals.set(literal, (literals.get(literal) ?? 0) + 1);
    }
  };

  context.on('request', onRequest);
  context.on('response', onResponse);
  context.on('requestfinished', onEnd);
  context.on('requestfailed', onEnd);
  const watcher: Watcher = {
    requests,
    endpointLiterals: () => [...literals].sort((a, b) => b[1] - a[1]).map(([literal]) => literal),
    async settled() {
      while (pending.size) await Promise.all(pending);
    },
    stop() {
      context.off('request', onRequest);
      context.off('response', onResponse);
      context.off('requestfinished', onEnd);
      context.off('requestfailed', onEnd);
    },
  };
  return watcher;
}

/** Token-like field names of a JSON answer, at the top level or one level down (`data.accessToken`). */
function tokenFields(body: unknown, prefix = ''): string[] {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return [];
  const found: string[] = [];
  for (const [key, value] of Object.entries(body)) {
    if (TOKEN_FIELD.test(key) && typeof value === 'string' && value !== '') found.push(prefix + key);
    else if (!prefix) found.push(...tokenFields(value, `${key}.`));
  }
  return found;
}
