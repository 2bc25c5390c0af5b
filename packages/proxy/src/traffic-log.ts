import { withoutUserinfo } from './redact-url.js';

/** How the proxy handled a request. */
export type Outcome =
  | 'pending'
  | 'forwarded'
  | 'answered'
  | 'reset'
  | 'failed'
  | 'aborted'
  | 'refused'
  | 'tunnelled'
  | 'upgraded';

/** One request as the log keeps it. Never holds a token: `token` only says whether one was sent. */
export interface LogEntry {
  /** Increasing number: poll with `since` to get only newer entries. */
  seq: number;
  /** When the request arrived (ISO 8601). */
  time: string;
  client: string;
  method: string;
  /**
   * Scheme, host and path; a query string is shown as `?…` and userinfo as `***@`, because both can carry
   * secrets.
   */
  url: string;
  /** Status sent to the client (`null` while pending or when none was sent). */
  status: number | null;
  /** Time until the response finished (ms). */
  ms: number | null;
  /** Whether the request carried `Authorization: Bearer …` when it reached the proxy. */
  token: boolean;
  /** Ids of the rules that fired. */
  rules: string[];
  outcome: Outcome;
  /** Why the proxy could not forward it (no secrets: built from error codes). */
  error?: string;
}

/** A recording in progress; finished by the request path. A class, so every recording has one shape. */
export class Recording {
  readonly at = Date.now();
  readonly started = performance.now();
  status: number | null = null;
  ms: number | null = null;
  outcome: Outcome = 'pending';
  error: string | undefined = undefined;

  constructor(
    readonly seq: number,
    readonly client: string,
    readonly method: string,
    readonly url: string,
    readonly token: boolean,
    readonly rules: readonly string[],
    /** Told once the recording is finished. */
    readonly onFinish: ((entry: LogEntry) => void) | undefined,
  ) {}
}

/** The last `capacity` requests, oldest first: a ring buffer, so a long session costs bounded memory. */
export class TrafficLog {
  readonly #capacity: number;
  readonly #entries: Recording[] = [];
  #next = 0;
  #seq = 0;

  constructor(capacity = 500) {
    this.#capacity = Math.max(1, capacity);
  }

  record(
    client: string,
    method: string,
    url: string,
    token: boolean,
    rules: readonly string[],
    onFinish?: (entry: LogEntry) => void,
  ): Recording {
    // Redacted here, where every entry comes in: refusals and CONNECT log what the client sent, as it sent it.
    const shown = withoutUserinfo(url);
    const recording = new Recording(++this.#seq, client, method, shown, token, rules, onFinish);
    if (this.#entries.length < this.#capacity) this.#entries.push(recording);
    else {
      this.#entries[this.#next] = recording;
      this.#next = (this.#next + 1) % this.#capacity;
    }
    return recording;
  }

  /** Entries after `since` (a `seq`), at most `limit` of the newest, oldest first. */
  entries(options: { limit?: number; since?: number } = {}): LogEntry[] {
    const ordered = [...this.#entries.slice(this.#next), ...this.#entries.slice(0, this.#next)];
    const newer = ordered.filter((entry) => entry.seq > (options.since ?? 0));
    return newer.slice(Math.max(0, newer.length - (options.limit ?? this.#capacity))).map(toEntry);
  }

  clear(): void {
    this.#entries.length = 0;
    this.#next = 0;
  }
}

/** Closes a recording once: the first outcome reported wins (a reset after an answer changes nothing). */
export function finish(recording: Recording, outcome: Outcome, status: number | null, error?: string): void {
  if (recording.ms !== null) return;
  recording.outcome = outcome;
  recording.status = status;
  recording.ms = Math.round((performance.now() - recording.started) * 10) / 10;
  if (error) recording.error = error;
  recording.onFinish?.(toEntry(recording));
}

function toEntry(r: Recording): LogEntry {
  const entry: LogEntry = {
    seq: r.seq,
    time: new Date(r.at).toISOString(),
    client: r.client,
    method: r.method,
    url: r.url,
    status: r.status,
    ms: r.ms,
    token: r.token,
    rules: [...r.rules],
    outcome: r.outcome,
  };
  if (r.error) entry.error = r.error;
  return entry;
}

/** The URL as the log shows it: the query hidden. */
export function loggedUrl(scheme: string, hostPort: string, path: string): string {
  const query = path.indexOf('?');
  return `${scheme}://${hostPort}${query === -1 ? path : `${path.slice(0, query)}?…`}`;
}
