import { execFile } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterEach } from 'vitest';
import { type ChaosProxy, createProxy, type ProxyAddresses, type ProxyOptions } from '../src/index.js';

/** What the echo upstream saw of one request. */
export interface Seen {
  method: string;
  url: string;
  headers: Record<string, string | string[] | undefined>;
  body: string;
  remotePort: number;
}

export interface Upstream {
  origin: string;
  port: number;
  seen: Seen[];
  server: http.Server;
}

type Handler = (req: IncomingMessage, res: ServerResponse, body: string) => void;

/** A real upstream on 127.0.0.1 that records each request; answers JSON of what it saw unless `handler` does. */
export async function startUpstream(handler?: Handler): Promise<Upstream> {
  const seen: Seen[] = [];
  const server = http.createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    req.on('error', () => {});
    try {
      for await (const chunk of req) chunks.push(chunk as Buffer);
    } catch {
      return;
    }
    const body = Buffer.concat(chunks).toString();
    const record = {
      method: req.method ?? '',
      url: req.url ?? '',
      headers: req.headers,
      body,
      remotePort: req.socket.remotePort ?? 0,
    };
    seen.push(record);
    if (handler) return handler(req, res, body);
    res.setHeader('content-type', 'application/json');
    res.setHeader('set-cookie', ['a=1; Path=/', 'b=2; Path=/']);
    res.end(JSON.stringify(record));
  });
  cleanups.push(
    () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  );
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { origin: `http://127.0.0.1:${port}`, port, seen, server };
}

/** A proxy on a free loopback port (API too), closed after the test. */
export async function startProxy(
  options: ProxyOptions,
): Promise<ChaosProxy & ProxyAddresses & { apiUrl: string }> {
  const proxy = createProxy({ listen: '127.0.0.1:0', api: '127.0.0.1:0', ...options });
  const addresses = await proxy.listen();
  cleanups.push(() => proxy.close());
  return Object.assign(proxy, addresses) as ChaosProxy & ProxyAddresses & { apiUrl: string };
}

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  await Promise.all(cleanups.splice(0).map((cleanup) => cleanup()));
});

const run = promisify(execFile);

/** Runs curl; returns status, headers and body (`-i`), never throwing on HTTP errors. */
export async function curl(args: string[]): Promise<{ status: number; head: string; body: string }> {
  const { stdout } = await run('curl', ['-sS', '-i', '--max-time', '10', ...args]);
  // curl prints the CONNECT answer and any 100 Continue first: the first other head is the real one.
  const blocks = stdout.split('\r\n\r\n');
  let index = 0;
  while (
    index < blocks.length - 1 &&
    /^HTTP\/1\.1 (200 Connection Established|1\d\d )/i.test(blocks[index] ?? '')
  )
    index++;
  const head = blocks[index] ?? '';
  return { status: Number(head.split(' ')[1]), head, body: blocks.slice(index + 1).join('\r\n\r\n') };
}

export function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'expiryproof-proxy-'));
}

/** Resolves when `condition` holds, or rejects after `ms`: waits on the proxy's own reports, not on sleeps. */
export async function eventually<T>(
  read: () => T | Promise<T>,
  condition: (value: T) => boolean,
  ms = 3000,
): Promise<T> {
  const until = Date.now() + ms;
  for (;;) {
    const value = await read();
    if (condition(value)) return value;
    if (Date.now() > until)
      throw new Error(`condition not met within ${ms} ms; last value: ${JSON.stringify(value)}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
