/**
 * The 401 handling the tutorials teach, exactly as usually written, installed on any axios instance.
 * Used by the benchmark (in Node) and by the audit's test fixtures (in the browser), so both measure the
 * same code. For comparison only.
 */
import type { AxiosError, AxiosInstance, InternalAxiosRequestConfig } from 'axios';

/** Per-request `_retry`: every 401 refreshes on its own, then the request is retried once. */
export function installPerRequestRetry(api: AxiosInstance, refresh: () => Promise<unknown>) {
  api.interceptors.response.use(undefined, async (error: AxiosError) => {
    const original = error.config as InternalAxiosRequestConfig & { _retry?: boolean };
    if (error.response?.status === 401 && !original._retry) {
      original._retry = true;
      await refresh();
      return api(original);
    }
    throw error;
  });
}

/** One shared refresh promise, cleared when it settles; no retry flag, so a persistent 401 loops. */
export function installSharedPromise(api: AxiosInstance, refresh: () => Promise<unknown>) {
  let pending: Promise<unknown> | null = null;
  api.interceptors.response.use(undefined, async (error: AxiosError) => {
    if (error.response?.status !== 401) throw error;
    pending ??= refresh().finally(() => {
      pending = null;
    });
    await pending;
    return api(error.config!);
  });
}
