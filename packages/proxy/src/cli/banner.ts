import { networkInterfaces } from 'node:os';
import { isUnspecified, plainAddress } from '../http/this-machine.js';
import { isLoopback } from '../options.js';
import { withoutUserinfo } from '../redact-url.js';
import { API_KEY_ENV, type ApiKey } from './api-key.js';

export interface BannerFacts {
  mode: 'reverse' | 'forward';
  url: string;
  apiUrl: string | undefined;
  upstream: string | undefined;
  /** The `--listen` host and port as given (the banner tells a phone where to connect). */
  listen: { host: string; port: number };
  apiKey: ApiKey | undefined;
  rules: { count: number; file: string | undefined };
  caUrl: string | undefined;
}

/**
 * What the proxy prints once it listens. The commands it suggests name the control API in use (`--api`) and how
 * to present its key, so copying one never arms a rule on another proxy that happens to own the default port.
 */
export function bannerLines(facts: BannerFacts): string[] {
  const { mode, url, apiUrl, apiKey } = facts;
  const lines = [
    `expiryproof-proxy: ${mode} proxy on ${url}${facts.upstream ? ` → ${withoutUserinfo(facts.upstream)}` : ''}`,
  ];
  if (apiUrl) lines.push(`  control API  ${apiUrl}${apiKey ? ` (key required, from ${apiKey.source})` : ''}`);
  if (facts.rules.count) lines.push(`  rules        ${facts.rules.count} loaded from ${facts.rules.file}`);
  if (facts.caUrl)
    lines.push(`  CA           ${facts.caUrl} (devices behind the proxy: http://expiryproof.proxy/)`);
  if (!isLoopback(facts.listen.host)) {
    const lan = lanAddresses();
    if (lan.length) lines.push(`  from a phone ${lan.map((a) => `${a}:${facts.listen.port}`).join(', ')}`);
    lines.push(
      `  note: reachable from your network${mode === 'forward' ? ' as an open HTTP proxy; use --allow-host to limit it' : ''}`,
    );
  }
  if (apiUrl && !isLoopback(new URL(apiUrl).hostname.replace(/^\[|\]$/g, '')))
    lines.push(
      '  note: the control API is reachable from your network: every call needs the key, which travels unencrypted (plain HTTP)',
    );
  if (!apiUrl) return lines;
  const command = `npx expiryproof-proxy arm mid-flight-expiry${remoteFlags(apiUrl, apiKey)}`;
  lines.push(`Arm a fault:  ${command}   (list: npx expiryproof-proxy scenarios)`);
  return lines;
}

/** `--api host:port` for the API in use (loopback for an API on every interface), and the key's file if any. */
function remoteFlags(apiUrl: string, apiKey: ApiKey | undefined): string {
  const { hostname, port } = new URL(apiUrl);
  const bound = plainAddress(hostname)?.address ?? hostname;
  const host = isUnspecified(bound) ? (bound === '::' ? '[::1]' : '127.0.0.1') : hostname;
  const key = !apiKey
    ? ''
    : apiKey.fromFile
      ? ` --api-key-file ${apiKey.source}`
      : ` (key from ${API_KEY_ENV})`;
  return ` --api ${host}:${port}${key}`;
}

function lanAddresses(): string[] {
  return Object.values(networkInterfaces())
    .flat()
    .filter((i) => i && i.family === 'IPv4' && !i.internal)
    .map((i) => i?.address as string);
}
