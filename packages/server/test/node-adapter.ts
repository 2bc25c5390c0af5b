import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { type FetchHandler, nodeListener } from '../src/node.js';

export type { FetchHandler };

/** A real HTTP server on 127.0.0.1 and an ephemeral port, serving `handler` through the package's adapter. */
export async function listen(handler: FetchHandler): Promise<{ origin: string; close(): Promise<void> }> {
  const server = http.createServer(nodeListener(handler));
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
