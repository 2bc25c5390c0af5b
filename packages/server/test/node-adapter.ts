import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { RequestContext } from '../src/index.js';

/** A fetch-style handler, as `createAuthHandler` returns; `context` carries the socket's peer address. */
export type FetchHandler = (request: Request, context?: RequestContext) => Promise<Response>;

/**
 * Serves a fetch-style handler from node:http: the Node request becomes a `Request` (plus the socket's
 * address as `clientAddress`), the `Response` is written back, each `Set-Cookie` as its own header.
 */
export function toNodeListener(handler: FetchHandler) {
  return async (req: IncomingMessage, res: ServerResponse) => {
    try {
      const chunks: Buffer[] = [];
      for await (const chunk of req) chunks.push(chunk as Buffer);
      const headers = new Headers();
      for (let i = 0; i < req.rawHeaders.length; i += 2)
        headers.append(req.rawHeaders[i]!, req.rawHeaders[i + 1]!);
      const method = req.method ?? 'GET';
      const body =
        method === 'GET' || method === 'HEAD' || chunks.length === 0 ? null : Buffer.concat(chunks);
      const request = new Request(new URL(req.url ?? '/', `http://${req.headers.host ?? '127.0.0.1'}`), {
        method,
        headers,
        body,
      });
      const response = await handler(request, { clientAddress: req.socket.remoteAddress });
      const out: Record<string, string | string[]> = {};
      response.headers.forEach((value, name) => {
        if (name !== 'set-cookie') out[name] = value;
      });
      const cookies = response.headers.getSetCookie();
      if (cookies.length > 0) out['set-cookie'] = cookies;
      res.writeHead(response.status, out);
      res.end(Buffer.from(await response.arrayBuffer()));
    } catch {
      if (!res.headersSent) res.writeHead(500);
      res.end();
    }
  };
}

/** A real HTTP server on 127.0.0.1 and an ephemeral port. */
export async function listen(handler: FetchHandler): Promise<{ origin: string; close(): Promise<void> }> {
  const server = http.createServer(toNodeListener(handler));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
