import type { Decision } from '../rules/rule-set.js';

/**
 * Headers that describe one connection, not the message (RFC 9110 §7.6.1): a proxy must not pass them on.
 * `transfer-encoding` is kept on purpose: Node re-frames the body when it is present.
 */
const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'proxy-authorization',
  'te',
  'trailer',
  'upgrade',
]);

export interface ForwardOptions {
  /** The `host:port` the upstream expects. */
  host: string;
  /** Reverse mode tells the upstream who really asked (X-Forwarded-*). */
  forwarded?: { for: string; host: string; proto: string } | undefined;
  /** Keep `Connection`/`Upgrade` for a WebSocket handshake. */
  upgrade?: boolean;
}

/** The request headers to send upstream, as a flat raw list (keeps order, case and repeated headers). */
export function requestHeaders(
  raw: readonly string[],
  decision: Decision,
  options: ForwardOptions,
): string[] {
  const out: string[] = ['Host', options.host];
  const extraHopByHop = connectionTokens(raw);
  const { strip, set } = decision;
  let forwardedFor: string | undefined;
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i] as string;
    const lower = name.toLowerCase();
    if (lower === 'host') continue;
    if (!options.upgrade && (HOP_BY_HOP.has(lower) || extraHopByHop?.has(lower))) continue;
    if (strip.length && strip.includes(lower)) continue;
    if (set.length && set.some(([setName]) => setName === lower)) continue;
    if (options.forwarded && lower === 'x-forwarded-for') {
      forwardedFor = forwardedFor ? `${forwardedFor}, ${raw[i + 1]}` : raw[i + 1];
      continue;
    }
    out.push(name, raw[i + 1] as string);
  }
  for (const [name, value] of set) out.push(name, value);
  if (options.forwarded) {
    const { for: client, host, proto } = options.forwarded;
    out.push('X-Forwarded-For', forwardedFor ? `${forwardedFor}, ${client}` : client);
    out.push('X-Forwarded-Host', host, 'X-Forwarded-Proto', proto);
  }
  return out;
}

/** The upstream's response headers without the hop-by-hop ones (and `drop`, if named), as a flat raw list. */
export function responseHeaders(raw: readonly string[], drop?: string): string[] {
  const out: string[] = [];
  const extraHopByHop = connectionTokens(raw);
  for (let i = 0; i < raw.length; i += 2) {
    const lower = (raw[i] as string).toLowerCase();
    if (HOP_BY_HOP.has(lower) || extraHopByHop?.has(lower) || lower === drop) continue;
    out.push(raw[i] as string, raw[i + 1] as string);
  }
  return out;
}

/** Headers named in `Connection` are hop-by-hop too. */
function connectionTokens(raw: readonly string[]): Set<string> | undefined {
  let tokens: Set<string> | undefined;
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i] as string;
    if (name.length !== 10 || name.toLowerCase() !== 'connection') continue;
    for (const token of (raw[i + 1] as string).split(',')) {
      const name = token.trim().toLowerCase();
      if (!name || name === 'close' || name === 'keep-alive' || name === 'upgrade') continue;
      tokens ??= new Set();
      tokens.add(name);
    }
  }
  return tokens;
}

/**
 * One header's value straight from the raw list (repeated headers joined), without making Node build the
 * `headers` object: on a proxy's hot path that object is work nobody else needs.
 */
export function rawHeader(raw: readonly string[], lowerName: string): string | undefined {
  let value: string | undefined;
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i] as string;
    if (name.length !== lowerName.length || name.toLowerCase() !== lowerName) continue;
    value = value === undefined ? raw[i + 1] : `${value}, ${raw[i + 1]}`;
  }
  return value;
}
