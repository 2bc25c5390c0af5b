import http, { type IncomingMessage } from 'node:http';
import https from 'node:https';
import type { Duplex } from 'node:stream';
import { finish } from '../traffic-log.js';
import { proxyErrorAnswer, sendRaw, writeRawHead } from './answer.js';
import { responseHeaders } from './headers.js';
import { begin, carryOut, gatewayError, type Pipeline, upstreamRequestOptions } from './pipeline.js';
import type { Target } from './target.js';

/**
 * A WebSocket (or other Upgrade) handshake: rules apply to the handshake like to any request; once the
 * upstream switches protocols, bytes flow both ways untouched.
 */
export function handleUpgrade(
  pipeline: Pipeline,
  req: IncomingMessage,
  socket: Duplex,
  head: Buffer,
  target: Target,
  path: string,
  scheme: 'http' | 'https',
): void {
  const exchange = begin(pipeline, req, target, path, scheme);
  const { recording } = exchange;
  socket.on('error', () => finish(recording, 'aborted', null, 'client connection error'));
  carryOut(
    exchange,
    socket,
    socket,
    (answer) => sendRaw(socket, answer),
    () => {
      const transport = target.protocol === 'https:' ? https : http;
      const upstream = transport.request(upstreamRequestOptions(pipeline, exchange, true));
      upstream.on('upgrade', (up, upSocket, upHead) => {
        writeRawHead(socket, up.statusCode ?? 101, up.rawHeaders);
        if (upHead.length) socket.write(upHead);
        if (head.length) upSocket.write(head);
        finish(recording, 'upgraded', up.statusCode ?? 101);
        upSocket.on('error', () => socket.destroy());
        socket.on('error', () => upSocket.destroy());
        upSocket.on('close', () => socket.destroy());
        socket.on('close', () => upSocket.destroy());
        upSocket.pipe(socket).pipe(upSocket);
      });
      // The upstream refused to switch (401, 404…): pass its answer on and close.
      upstream.on('response', (up) => {
        // The body is delimited by closing the connection, so no transfer coding applies to it.
        writeRawHead(socket, up.statusCode ?? 502, responseHeaders(up.rawHeaders, 'transfer-encoding'));
        up.pipe(socket);
        finish(recording, 'forwarded', up.statusCode ?? null);
      });
      upstream.on('error', (error: NodeJS.ErrnoException) => {
        const { status, code, message, outcome } = gatewayError(error, target);
        finish(recording, outcome, status, message);
        if (socket.writable) sendRaw(socket, proxyErrorAnswer(req, status, code, message));
      });
      socket.once('close', () => upstream.destroy());
      upstream.end();
    },
  );
}
