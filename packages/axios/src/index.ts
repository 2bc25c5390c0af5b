import type { Exchange, Session } from '@expiryproof/core';
import {
  AxiosError,
  AxiosHeaders,
  type AxiosInstance,
  type AxiosResponse,
  getAdapter,
  type InternalAxiosRequestConfig,
} from 'axios';

declare module 'axios' {
  interface AxiosRequestConfig {
    /** Per-request options of `@expiryproof/axios`. `skip: true` sends the request untouched (e.g. the refresh call). */
    expiryproof?: { skip?: boolean } | undefined;
  }
}

/** One attempt's result: axios rejects non-2xx, so a 401 arrives as an error holding its response. */
type Outcome = { response: AxiosResponse; error?: AxiosError };

function isOneShot(data: unknown): boolean {
  const body = data as { pipe?: unknown; getReader?: unknown } | null;
  return typeof body?.pipe === 'function' || typeof body?.getReader === 'function';
}

/**
 * Makes an axios instance use the session: the token is attached to allowed origins, 401s park,
 * share one refresh and are replayed once, exactly as `session.fetch` does. Replays reuse the body
 * axios has already serialised, so they go out byte for byte; one-shot stream bodies cannot be replayed
 * and fail with `UnreplayableBodyError` after the refresh. Returns a function that detaches the session.
 *
 * @example
 * const api = axios.create({ baseURL: 'https://api.example.com' });
 * const detach = attachSession(api, session);
 */
export function attachSession(instance: AxiosInstance, session: Session): () => void {
  const id = instance.interceptors.request.use(
    (config) => {
      if (config.expiryproof?.skip || config.headers.has('authorization')) return config;
      // Wrapping the adapter (not a response interceptor) keeps replays below the caller's own
      // interceptors: they run once, on the final outcome.
      const send = getAdapter(config.adapter ?? instance.defaults.adapter, config);
      config.adapter = (adapted) =>
        session.run(exchangeFor(instance, adapted, send)).then(({ response, error }) => {
          if (!error) return response;
          // Errors get logged whole (error.toJSON() includes the config): keep the token out of them.
          error.config?.headers.delete('Authorization');
          throw error;
        });
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
  send: (config: InternalAxiosRequestConfig) => Promise<AxiosResponse>,
): Exchange<Outcome> {
  return {
    url: instance.getUri(config),
    signal: config.signal as AbortSignal | undefined,
    replayable: !isOneShot(config.data),
    async send(authorization) {
      const headers = AxiosHeaders.from(config.headers);
      if (authorization) headers.set('Authorization', authorization);
      try {
        return { response: await send({ ...config, headers }) };
      } catch (error) {
        if (error instanceof AxiosError && error.response) return { response: error.response, error };
        throw error;
      }
    },
    status: (outcome) => outcome.response.status,
    discard: (outcome) => (outcome.response.data as { destroy?: () => void } | null)?.destroy?.(),
  };
}
