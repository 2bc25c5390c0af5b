// The Node side of the browser spec: the page (test/page bundled with esbuild) served from a real node:http
// server that also proxies the real auth server (same origin, as an app behind one host), and another origin.
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { type AuthServer, startAuthServer } from '@expiryproof/auth-server';
import { build } from 'esbuild';

const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));

/** The page's script: Angular (JIT) and the package's sources, in one IIFE. */
async function bundlePage(): Promise<string> {
  const result = await build({
    entryPoints: [here('./page/app.ts')],
    bundle: true,
    format: 'iife',
    platform: 'browser',
    target: 'es2022',
    write: false,
    logLevel: 'warning',
    // The sources, not dist: the spec tests this checkout without a build step.
    alias: { '@expiryproof/core': here('../../core/src/index.ts') },
  });
  const file = result.outputFiles[0];
  if (!file) throw new Error('esbuild produced no bundle for test/page/app.ts');
  return file.text;
}

const listen = async (server: Server) => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
};

const PAGE = '<!doctype html><meta charset="utf-8"><title>angular</title><script src="/app.js"></script>';

/** The auth server, the page's origin proxying it, and another origin; `close()` stops all three. */
export interface Servers {
  api: AuthServer;
  origin: string;
  otherOrigin: string;
  /** The Authorization header of every request that reached the other origin (undefined: none). */
  otherSaw: Array<string | undefined>;
  close(): Promise<void>;
}

export async function startServers(): Promise<Servers> {
  const [script, api] = await Promise.all([bundlePage(), startAuthServer({ accessTtlMs: 600_000 })]);
  const apiPort = new URL(api.origin).port;
  const web = createServer((req, res) => {
    const url = req.url ?? '/';
    if (/^\/(auth|api|graphql)\b/.test(url)) {
      const upstream = request(
        { host: '127.0.0.1', port: apiPort, path: url, method: req.method, headers: req.headers },
        (answer) => {
          res.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(res);
        },
      );
      upstream.on('error', () => res.destroy());
      req.pipe(upstream);
      return;
    }
    if (url === '/app.js') return res.writeHead(200, { 'content-type': 'text/javascript' }).end(script);
    res.writeHead(200, { 'content-type': 'text/html' }).end(PAGE);
  });
  // Another origin that would accept a token if one were sent: CORS lets `Authorization` through, so a leak
  // would arrive here instead of dying in a failed preflight. It answers 401 to /api/data, 200 to the rest.
  const otherSaw: Array<string | undefined> = [];
  const other = createServer((req, res) => {
    const cors = {
      'access-control-allow-origin': '*',
      'access-control-allow-headers': 'authorization, content-type',
      'access-control-expose-headers': 'www-authenticate',
    };
    if (req.method === 'OPTIONS') return res.writeHead(204, cors).end();
    otherSaw.push(req.headers.authorization);
    if (req.url?.startsWith('/api/data')) {
      const challenge = {
        'www-authenticate': 'Bearer error="invalid_token"',
        'content-type': 'application/json',
      };
      return res.writeHead(401, { ...cors, ...challenge }).end('{"error":"invalid_token"}');
    }
    res.writeHead(200, { ...cors, 'content-type': 'application/json' }).end('{"ok":true}');
  });
  const [origin, otherOrigin] = await Promise.all([listen(web), listen(other)]);
  return {
    api,
    origin,
    otherOrigin,
    otherSaw,
    async close() {
      web.closeAllConnections();
      other.closeAllConnections();
      await Promise.all([api.close(), new Promise((r) => web.close(r)), new Promise((r) => other.close(r))]);
    },
  };
}
