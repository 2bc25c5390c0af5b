/**
 * A duration: a number of milliseconds, or a string with a unit (`"250ms"`, `"30s"`, `"5m"`, `"1h"`).
 */
export type Duration = number | string;

/** Which requests a rule applies to. Every field given must match; an empty `match` matches everything. */
export interface RuleMatch {
  /** HTTP method(s), any case. CORS preflights (OPTIONS) are only matched when OPTIONS is named here. */
  method?: string | string[];
  /** Host name glob (`api.example.com`, `*.example.com`); with a `:port` it is matched against `host:port`. */
  host?: string | string[];
  /** Path glob without the query (`/api/profile/save`, `/api/**`, `/auth/{refresh,token}`). */
  path?: string | string[];
  /** Header conditions by name: `true` present, `false` absent, a string the exact value. */
  headers?: Record<string, string | boolean>;
  /**
   * The bearer token carried in `Authorization`: one token or a list of them (or their `sha256:<hex>`
   * digests, so a token need not be typed into a shell), or `"first-seen"`: the first bearer token this rule
   * sees after it is armed, and only that one — "the token the app holds right now dies".
   * Tokens are kept as digests only and never listed.
   */
  token?: string | string[];
  /** Source address of the client (`192.168.1.23`), to scope a rule to one device. */
  client?: string;
}

/** What a rule does to a request it fires on. Header edits and a delay combine; `status` and `reset` end it. */
export interface RuleAction {
  /** Request headers removed before the request goes upstream (`["authorization"]`). */
  stripHeaders?: string[];
  /** Request headers set (replaced) before the request goes upstream. */
  setHeaders?: Record<string, string>;
  /**
   * Answer with this status instead of asking upstream. The answer looks real: a JSON body, `WWW-Authenticate`
   * on 401, `Retry-After` on 429/503, and CORS headers for the request's origin so a browser can read it.
   */
  status?: number;
  /** Body of the answer (a string as is, anything else as JSON). Only with `status`. */
  body?: unknown;
  /** Extra headers of the answer. Only with `status`. */
  headers?: Record<string, string>;
  /** Wait this long before forwarding (or answering). */
  delay?: Duration;
  /** Reset the client's connection instead of answering. */
  reset?: boolean;
  /** Send the upstream response body at most this many bytes per second. */
  throttle?: number;
}

/** A rule as written in JSON or YAML, posted to the control API, or passed to `proxy.rules.add`. */
export interface RuleInput {
  /** Stable name for the API and the log; generated (`r1`, `r2`, …) when absent. */
  id?: string;
  /** A note for people reading the rule list. */
  description?: string;
  match?: RuleMatch;
  /** Requests this matches are left alone even if `match` matches (`{ "path": "/auth/refresh" }`). */
  unless?: Omit<RuleMatch, 'token'>;
  action: RuleAction;
  /** Disarm after firing this many times. */
  times?: number;
  /** Fire first on the nth matching request (1 = the first), then on every later one until `times` runs out. */
  nth?: number;
  /** Fire on a matching request with this probability (0 < p ≤ 1). */
  probability?: number;
  /** Arm this long after the rule is added. */
  after?: Duration;
  /** Disarm this long after the rule is added. */
  ttl?: Duration;
}

/** Where a rule stands. */
export type RuleState = 'waiting' | 'armed' | 'spent' | 'expired';

/** A rule as the proxy lists it: the input (tokens as short digests) plus its counters. */
export interface RuleView extends Omit<RuleInput, 'id'> {
  id: string;
  state: RuleState;
  /** Requests that matched. */
  seen: number;
  /** Times it fired. */
  hits: number;
  /** When it was added (ISO 8601). */
  createdAt: string;
}
