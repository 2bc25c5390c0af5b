import http, { type IncomingMessage, STATUS_CODES } from 'node:http';
import https from 'node:https';
import type { Duplex } from 'node:stream';
import { finish } from '../traffic-log.js';
import { RULE_HEADER } from './answer.js';
import { responseHeaders } from './headers.js';
import {
  afterDelay,
  begin,
  gatewayError,
  type Pipeline,
  resetConnection,
  upstreamRequestOptions,
} from './pipeline.js';
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
  const { decision, recording } = exchange;
  socket.on('error', () => finish(recording, 'aborted', null, 'client connection error'));
  afterDelay(decision.delayMs, socket, () => {
    const final = decision.final;
    if (final?.reset) return resetConnection(socket, recording);
    if (final?.answer) {
      const body = final.answer.body === undefined ? '' : JSON.stringify(final.answer.body);
      writeHead(socket, final.answer.status, [
        RULE_HEADER,
        final.ruleId,
        'Content-Type',
        'application/json',
        'Content-Length',
        String(Buffer.byteLength(body)),
        ...Object.entries(final.answer.headers).flat(),
      ]);
      socket.end(body);
      return finish(recording, 'answered', final.answer.status);
    }
    const transport = target.protocol === 'https:' ? https : http;
    const upstream = transport.request(upstreamRequestOptions(pipeline, exchange, true));
    upstream.on('upgrade', (up, upSocket, upHead) => {
      writeHead(socket, up.statusCode ?? 101, up.rawHeaders);
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
      const headers = responseHeaders(up.rawHeaders).filter(
        (_, i, all) => all[i - (i % 2)]?.toLowerCase() !== 'transfer-encoding',
      );
      writeHead(socket, up.statusCode ?? 502, headers);
      up.pipe(socket);
      finish(recording, 'forwarded', up.statusCode ?? null);
    });
    upstream.on('error', (error: NodeJS.ErrnoException) => {
      const { status, message } = gatewayError(error, target);
      finish(recording, 'failed', status, message);
      if (socket.writable) {
        writeHead(socket, status, [
          'Content-Type',
          'text/plain',
          'Content-Length',
          String(Buffer.byteLength(message)),
        ]);
        socket.end(message);
      }
    });
    socket.once('close', () => upstream.destroy());
    upstream.end();
  });
}

function writeHead(socket: Duplex, status: number, rawHeaders: readonly string[]) {
  if (!socket.writable) return;
  let head = `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? ''}\r\n`;
  for (let i = 0; i < rawHeaders.length; i += 2) head += `${rawHeaders[i]}: ${rawHeaders[i + 1]}\r\n`;
  if (status !== 101) head += 'Connection: close\r\n';
  socket.write(`${head}\r\n`);
}
