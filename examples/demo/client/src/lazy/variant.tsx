import axios, { type AxiosError } from 'axios';
import { Fragment } from 'react';
import { type ApiClient, ApiError } from '../api.js';
import type { Variant } from '../variant.js';

const TOKEN_KEY = 'lazy.accessToken';

/**
 * The client the tutorials teach and the articles warn about: attach the token, and on any 401 send the
 * person to the login page. Whatever they typed is gone. Kept here so tests and the audit have a target.
 */
export function createLazyVariant(): Variant {
  const http = axios.create();
  http.interceptors.request.use((config) => {
    const token = sessionStorage.getItem(TOKEN_KEY);
    if (token) config.headers.Authorization = `Bearer ${token}`;
    return config;
  });
  http.interceptors.response.use(undefined, (error: AxiosError<{ message?: string }>) => {
    if (error.response?.status === 401) {
      sessionStorage.removeItem(TOKEN_KEY);
      window.location.href = '/lazy/login'; // RIP unsaved input
    }
    throw new ApiError(error.response?.status ?? 0, error.response?.data?.message ?? error.message);
  });

  const api: ApiClient = {
    get: async (path) => (await http.get(path)).data,
    post: async (path, body) => (await http.post(path, body)).data,
  };

  return {
    name: 'lazy',
    base: '/lazy',
    api,
    drafts: false,
    Shell: Fragment,
    auth: {
      async signIn(email, password) {
        const { data } = await http.post('/auth/login', { email, password, mode: 'body' });
        sessionStorage.setItem(TOKEN_KEY, data.accessToken);
      },
      async signOut() {
        sessionStorage.removeItem(TOKEN_KEY);
      },
      hasSession: () => sessionStorage.getItem(TOKEN_KEY) !== null,
    },
  };
}
