import { ProxyApiError } from './errors.js';
import type { RuleInput, RuleView } from './rules/types.js';
import type { ScenarioName, ScenarioOptions } from './scenarios.js';
import type { LogEntry } from './traffic-log.js';

/** Options of {@link createProxyClient}. */
export interface ProxyClientOptions {
  /** The control API (default `http://127.0.0.1:8474`). */
  url?: string;
  /** The API key the proxy was started with, if any. */
  apiKey?: string;
  /** The transport (default: global `fetch`). */
  fetch?: typeof fetch;
}

/** A typed client for a running proxy's control API. Every method rejects with {@link ProxyApiError}. */
export interface ProxyClient {
  info(): Promise<{
    name: string;
    mode: 'reverse' | 'forward';
    proxy: string;
    upstream?: string;
    rules: number;
    mitm: boolean;
  }>;
  rules: {
    list(): Promise<RuleView[]>;
    get(id: string): Promise<RuleView>;
    /** Adds one rule or a list, all or none. */
    add(rules: RuleInput | RuleInput[]): Promise<RuleView[]>;
    /** Replaces every rule. */
    replace(rules: RuleInput[]): Promise<RuleView[]>;
    remove(id: string): Promise<void>;
  };
  scenarios(): Promise<Array<{ name: ScenarioName; summary: string }>>;
  /** Arms a ready-made scenario. */
  arm(scenario: ScenarioName, options?: ScenarioOptions): Promise<RuleView[]>;
  /** Recent requests, oldest first; `since` a seq to get only newer ones. */
  log(options?: { limit?: number; since?: number }): Promise<LogEntry[]>;
  clearLog(): Promise<void>;
  /** Removes every rule and empties the log. */
  reset(): Promise<void>;
}

/**
 * A client for the proxy's control API, for test scripts and the CLI.
 *
 * @example
 * const proxy = createProxyClient({ url: 'http://127.0.0.1:8474' });
 * await proxy.arm('mid-flight-expiry');
 */
export function createProxyClient(options: ProxyClientOptions = {}): ProxyClient {
  const base = (options.url ?? 'http://127.0.0.1:8474').replace(/\/$/, '');
  const transport = options.fetch ?? fetch;

  async function call<T>(method: string, path: string, body?: unknown): Promise<T> {
    let res: Response;
    try {
      res = await transport(`${base}${path}`, {
        method,
        headers: {
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
          ...(options.apiKey ? { authorization: `Bearer ${options.apiKey}` } : {}),
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
    } catch (error) {
      throw new ProxyApiError(
        0,
        'unreachable',
        `no expiryproof-proxy control API at ${base} (is the proxy running?)`,
        [],
        {
          cause: error,
        },
      );
    }
    const text = await res.text();
    let parsed: unknown;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      throw new ProxyApiError(
        res.status,
        'not_json',
        `${base} answered ${res.status} with something other than JSON`,
      );
    }
    if (!res.ok) {
      const error = (
        parsed as { error?: { code?: string; message?: string; problems?: string[] } } | undefined
      )?.error;
      throw new ProxyApiError(
        res.status,
        error?.code ?? 'error',
        error?.message ?? `HTTP ${res.status}`,
        error?.problems ?? [],
      );
    }
    return parsed as T;
  }

  return {
    info: () => call('GET', '/'),
    rules: {
      list: async () => (await call<{ rules: RuleView[] }>('GET', '/rules')).rules,
      get: async (id) => (await call<{ rule: RuleView }>('GET', `/rules/${encodeURIComponent(id)}`)).rule,
      add: async (rules) => (await call<{ rules: RuleView[] }>('POST', '/rules', rules)).rules,
      replace: async (rules) => (await call<{ rules: RuleView[] }>('PUT', '/rules', rules)).rules,
      remove: async (id) => void (await call('DELETE', `/rules/${encodeURIComponent(id)}`)),
    },
    scenarios: async () =>
      (await call<{ scenarios: Array<{ name: ScenarioName; summary: string }> }>('GET', '/scenarios'))
        .scenarios,
    arm: async (scenario, armOptions) =>
      (
        await call<{ rules: RuleView[] }>(
          'POST',
          `/scenarios/${encodeURIComponent(scenario)}`,
          armOptions ?? {},
        )
      ).rules,
    log: async (logOptions = {}) => {
      const query = new URLSearchParams();
      if (logOptions.limit !== undefined) query.set('limit', String(logOptions.limit));
      if (logOptions.since !== undefined) query.set('since', String(logOptions.since));
      const suffix = query.size ? `?${query}` : '';
      return (await call<{ entries: LogEntry[] }>('GET', `/log${suffix}`)).entries;
    },
    clearLog: async () => void (await call('DELETE', '/log')),
    reset: async () => void (await call('POST', '/reset')),
  };
}
