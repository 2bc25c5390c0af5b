import type { RuleView } from '../rules/types.js';
import type { LogEntry } from '../traffic-log.js';

/** One log line: time, who, what, and what the proxy did. Never a token: only whether one was sent. */
export function formatEntry(entry: LogEntry): string {
  const time = entry.time.slice(11, 23);
  const status = entry.status === null ? '---' : String(entry.status);
  const rules = entry.rules.length ? `  [${entry.rules.join(', ')}]` : '';
  const token = entry.token ? ' 🔑' : '';
  const error = entry.error ? `  ${entry.error}` : '';
  return `${time}  ${status}  ${entry.outcome.padEnd(9)} ${entry.method} ${entry.url}${token}${rules}${error}`;
}

/**
 * Prints the entries after `since`, one line each; when following, stops at the first still pending, so it is
 * printed once it has finished. Returns the `seq` to poll from next.
 */
export function printEntries(entries: LogEntry[], since: number, following: boolean): number {
  let last = since;
  for (const entry of entries) {
    if (following && entry.outcome === 'pending') break;
    console.log(formatEntry(entry));
    last = entry.seq;
  }
  return last;
}

export function formatRule(rule: RuleView): string {
  const { id, state, hits, seen, createdAt: _created, ...shape } = rule;
  return `${id.padEnd(24)} ${state.padEnd(8)} ${String(hits).padStart(4)} hits / ${String(seen).padStart(4)} seen  ${JSON.stringify(shape)}`;
}
