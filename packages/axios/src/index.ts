import type { Exchange, Session } from '@expiryproof/core';
import {
  AxiosError,
  AxiosHeaders,
  type AxiosInstance,
  type AxiosResponse,
  getAdapter,
  type InternalAxiosRequestConfig,
} from 'axios';
import { isOneShot } from './one-shot.js';
import { toResponse } from './to-response.js';

declare module 'axios' {
  interface AxiosRequestConfig {
    /** Per-request options of `@expiryproof/axios`. `skip: true` sends the request untouched (e.g. the refresh call). */
    expiryproof?: { skip?: boolean } | undefined;
  }
}

type Send = (config: InternalAxiosRequestConfig) => Promise<AxiosResponse>;
const WRAPS = Symbol('expiryproof.wraps');
/** The adapter the session puts in a config, holding the one it sends through. */
type Wrapped = Send & { [WRAPS]?: Send };

/** One attempt's result: axios rejects non-2xx, so a 401 arrives as an error holding its response. */
type Outcome = { response: AxiosResponse; error?: AxiosError };

/**
 * A URL with the origin axios sends the request to, which is all the session judges. As axios's
 * `buildFullPath` decides: an absolute URL (`scheme://` or `//`) stands unless `allowAbsoluteUrls` is false;
 * anything else is appended to `baseURL`, so it goes to `baseURL`'s origin. (`instance.getUri` would say the
 * same, but merges the instance defaults again for every request: 4% of a 10,000-request storm.)
 */
function originOf({ baseURL, url = '', allowAbsoluteUrls }: InternalAxiosRequestConfig): string {
  return baseURL && (allowAbsoluteUrls === false || !/^([a-z][a-z\d+\-.]*:)?\/\//i.test(url)) ? baseURL : url;
}

/**
 * Makes an axios instance use the session: the token is attached to allowed origins, refused requests
 * (401, or what `isUnauthorized` says) park, share one refresh and are replayed once, exactly as
 * `session.fetch` does. Replays reuse the body axios has already serialised, so they go out byte for byte;
 * one-shot stream bodies cannot be replayed and fail with `UnreplayableBodyError` after the refresh.
 * A request that already carries `Authorization` (e.g. from `defaults.headers.common`) is sent untouched,
 * and the session's `warning` event says so once (`foreign-authorization`).
 * Returns a function that detaches the session.
 *
 * @example
 * const api = axios.create({ baseURL: 'https://api.example.com' });
 * const detach = attachSession(api, session);
 */
export function attachSession(instance: AxiosInstance, session: Session): () => void {
  const id = instance.interceptors.request.use(
    (config) => {
      if (config.expiryproof?.skip) return config;
      // Wrapping the adapter (not a response interceptor) keeps replays below the caller's own
      // interceptors: they run once, on the final outcome.
      // A config sent again (a retry helper re-sending `error.config`) still holds our wrapper: wrap what
      // it wraps, never the wrapper itself.
      const own = (config.adapter as Wrapped | undefined)?.[WRAPS];
      const send = own ?? getAdapter(config.adapter ?? instance.defaults.adapter, config);
      const wrapper: Wrapped = (adapted) =>
        session.run(exchangeFor(instance, adapted, send)).then(
          ({ response, error }) => {
            if (!error) return response;
            throw withoutToken(error);
          },
          (error: unknown) => {
            // A network error or timeout too: it carries the config of the attempt that failed.
            throw withoutToken(error);
          },
        );
      wrapper[WRAPS] = send;
      config.adapter = wrapper;
      return config;
    },
    undefined,
    { synchronous: true },
  );
  return () => instance.interceptors.request.eject(id);
}

function exchangeFor(
  instance: AxiosInstance,
  config: InternalAxiosRequestConfig,
  send: Send,
): Exchange<Outcome> {
  return {
    url: originOf(config),
    signal: config.signal as AbortSignal | undefined,
    replayable: !isOneShot(config.data),
    // Seen at the adapter, after every request interceptor and the instance's defaults have had their say.
    authorizedBy: config.headers.has('authorization')
      ? AxiosHeaders.from(instance.defaults.headers.common as AxiosHeaders).has('authorization')
        ? 'axios defaults.headers.common'
        : 'an axios interceptor or request config'
      : undefined,
    async send(authorization) {
      // A copy per attempt, so the caller's config never holds the token: a retry helper that re-sends
      // `error.config` goes through the session again instead of looking like a foreign Authorization.
      // The body stays as axios serialised it, so the replay goes out byte for byte.
      const attempt = authorization
        ? { ...config, headers: new AxiosHeaders(config.headers).set('Authorization', authorization) }
        : config;
      try {
        return { response: await send(attempt) };
      } catch (error) {
        if (error instanceof AxiosError && error.response) return { response: error.response, error };
        throw error;
      }
    },
    status: (outcome) => outcome.response.status,
    header: (outcome, name) => {
      const value = AxiosHeaders.from(outcome.response.headers as AxiosHeaders).get(name);
      return value == null ? null : String(value);
    },
    response: (outcome) => toResponse(outcome.response),
    discard: (outcome) => (outcome.response.data as { destroy?: () => void } | null)?.destroy?.(),
  };
}

/** Errors get logged whole (`error.toJSON()` includes the config): the token is taken out of them. */
function withoutToken(error: unknown): unknown {
  if (error instanceof AxiosError) error.config?.headers?.delete('Authorization');
  return error;
}
