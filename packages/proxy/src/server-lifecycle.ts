import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { ProxyConfigError } from './errors.js';

/** Listens, turning a taken or invalid address into a {@link ProxyConfigError} that says what to change. */
export function listenOn(server: Server, at: { host: string; port: number }, what: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException) =>
      reject(
        new ProxyConfigError(
          error.code === 'EADDRINUSE'
            ? `${what}: ${at.host}:${at.port} is already in use (choose another with --${what} host:port)`
            : `${what}: cannot listen on ${at.host}:${at.port} (${error.code ?? error.message})`,
          { cause: error },
        ),
      );
    server.once('error', onError);
    server.listen(at.port, at.host, () => {
      server.off('error', onError);
      resolve();
    });
  });
}

/** The URL a listening server is reached at. */
export function urlOf(server: Server): string {
  const { address, port } = server.address() as AddressInfo;
  return `http://${address.includes(':') ? `[${address}]` : address}:${port}`;
}

/** Closes a server and every connection still open on it. */
export function closeServer(server: Server, sockets?: Set<Duplex>): Promise<void> {
  return new Promise((resolve) => {
    if (!server.listening) return resolve();
    server.close(() => resolve());
    server.closeAllConnections();
    for (const socket of sockets ?? []) socket.destroy();
  });
}
