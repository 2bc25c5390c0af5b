/**
 * One server of the proxy benchmark, in its own process so each has a core's worth of scheduling of its own:
 *   upstream <port|0>                  the API (a small JSON answer, keep-alive)
 *   bare <port|0> <upstream>           node:http keep-alive passthrough: the floor cost of any Node proxy
 *   expiryproof <port|0> <upstream>    @expiryproof/proxy in reverse mode with its control API on, and no rules:
 *                                    the benchmark arms them through the API, as people do

 *   mockttp <port|0> <upstream>        mockttp forwarding every request (pinned to 4.4: 4.5+ wants an optional
 *                                    tls-impersonate that this registry lacks, and `npm ci` then refuses the lock)
 * Prints "ready <port>" once listening ("ready <port> <api port>" for expiryproof).
 */
import http from 'node:http';
import { createProxy } from '@expiryproof/proxy';

const [kind, portArg, upstreamArg] = process.argv.slice(2);
const port = Number(portArg);
const upstream = `http://127.0.0.1:${upstreamArg}`;
const ready = (server?: { address(): unknown } | number) => {
  const actual =
    typeof server === 'number' ? server : ((server?.address() as { port: number } | null)?.port ?? port);
  process.stdout.write(`ready ${actual}\n`);
};

if (kind === 'upstream') {
  const body = JSON.stringify({ id: 42, name: 'Ada', bio: 'x'.repeat(64) });
  const server = http.createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
    res.end(body);
  });
  server.listen(port, '127.0.0.1', () => ready(server));
} else if (kind === 'bare') {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 256, scheduling: 'lifo' });
  const target = new URL(upstream);
  const server = http.createServer((req, res) => {
    const up = http.request(
      {
        hostname: target.hostname,
        port: target.port,
        method: req.method,
        path: req.url,
        headers: req.headers,
        agent,
      },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    up.on('error', () => res.destroy());
    req.pipe(up);
  });
  server.listen(port, '127.0.0.1', () => ready(server));
} else if (kind === 'expiryproof') {
  const proxy = createProxy({ upstream, listen: { port }, api: { port: 0 } });
  const { url, apiUrl } = await proxy.listen();
  process.stdout.write(`ready ${new URL(url).port} ${new URL(apiUrl as string).port}\n`);
} else if (kind === 'mockttp') {
  const { getLocal } = await import('mockttp');
  const server = getLocal();
  await server.forAnyRequest().thenForwardTo(upstream);
  await server.start(port || undefined);
  ready(server.port);
} else {
  console.error(`unknown server kind ${kind}`);
  process.exit(2);
}
