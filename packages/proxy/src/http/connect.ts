import http, { type IncomingMessage } from 'node:http';
import { connect, type Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { TLSSocket } from 'node:tls';
import { normaliseAddress } from '../rules/request-facts.js';
import { CA_HOST } from '../tls/ca-page.js';
import type { CertificateAuthority } from '../tls/certificate-authority.js';
import { finish, type Recording } from '../traffic-log.js';
import { proxyErrorAnswer, sendRaw } from './answer.js';
import { OwnListenerError } from './own-listeners.js';
import { handleRequest, type Pipeline } from './pipeline.js';
import { ownListenerRefusal, type Refusal } from './relay-policy.js';
import { connectTarget, type Target } from './target.js';
import { handleUpgrade } from './upgrade.js';

interface ConnectOptions {
  pipeline: Pipeline;
  /** With a CA, tunnels are opened up (TLS terminated here) so rules see the requests inside. */
  ca?: CertificateAuthority;
  refusal: (target: Target) => Refusal | undefined;
  track: (socket: Duplex) => void;
}

const ESTABLISHED = 'HTTP/1.1 200 Connection Established\r\n\r\n';

/** The `connect` listener of a forward proxy: blind tunnels, or TLS interception with `ca`. */
export function openConnectHandler({ pipeline, ca, refusal, track }: ConnectOptions) {
  // Requests decrypted from tunnels are served by an inner server that never listens on a port.
  const targets = new WeakMap<object, Target>();
  const inner = ca
    ? http.createServer((req, res) =>
        handleRequest(pipeline, req, res, targetOf(req), req.url ?? '/', 'https'),
      )
    : undefined;
  const targetOf = (req: IncomingMessage) => targets.get(req.socket) as Target;
  inner?.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) =>
    handleUpgrade(pipeline, req, socket, head, targetOf(req), req.url ?? '/', 'https'),
  );
  inner?.on('clientError', (_error, socket: Duplex) => socket.destroy());

  return (req: IncomingMessage, socket: Socket, head: Buffer) => {
    const target = connectTarget(req.url ?? '');
    const recording = pipeline.log.record(
      normaliseAddress(socket.remoteAddress ?? ''),
      'CONNECT',
      req.url ?? '',
      false,
      [],
    );
    socket.on('error', () => finish(recording, 'aborted', null, 'client connection error'));
    if (!target) {
      return fail(socket, recording, 'refused', 400, 'bad_request', 'CONNECT needs host:port');
    }
    const refused = refusal(target);
    if (refused) return fail(socket, recording, 'refused', refused.status, refused.code, refused.message);
    if (!ca || !inner) return tunnel(pipeline, socket, head, target, recording);

    ca.contextFor(target.hostname).then(
      (secureContext) => {
        if (socket.destroyed) return;
        socket.write(ESTABLISHED);
        if (head.length) socket.unshift(head);
        const tls = new TLSSocket(socket, { isServer: true, secureContext, ALPNProtocols: ['http/1.1'] });
        targets.set(tls, target);
        track(tls);
        tls.on('error', (error: NodeJS.ErrnoException) => {
          // The usual cause: the device does not trust the CA yet.
          finish(
            recording,
            'failed',
            null,
            `TLS with the client failed (${error.code ?? 'error'}); does the device trust the CA? Open http://${CA_HOST}/`,
          );
          socket.destroy();
        });
        tls.once('secure', () => finish(recording, 'tunnelled', 200));
        inner.emit('connection', tls);
      },
      () => {
        const message = `could not make a certificate for ${target.hostname}`;
        fail(socket, recording, 'failed', 502, 'bad_gateway', message);
      },
    );
  };
}

/** A blind tunnel: bytes both ways, no rules (they cannot see inside TLS). */
function tunnel(pipeline: Pipeline, socket: Socket, head: Buffer, target: Target, recording: Recording) {
  const options = { port: target.port, host: target.hostname, lookup: pipeline.own.lookupFor(target.port) };
  const upstream = connect(options, () => {
    socket.write(ESTABLISHED);
    if (head.length) upstream.write(head);
    finish(recording, 'tunnelled', 200);
    upstream.pipe(socket).pipe(upstream);
  });
  upstream.on('error', (error: NodeJS.ErrnoException) => {
    if (error instanceof OwnListenerError) {
      const { status, code, message } = ownListenerRefusal(target.hostPort);
      fail(socket, recording, 'refused', status, code, message);
    } else if (recording.ms === null) {
      const message = `could not connect to ${target.hostPort} (${error.code ?? 'error'})`;
      fail(socket, recording, 'failed', 502, 'bad_gateway', message);
    } else socket.destroy();
  });
  socket.on('close', () => upstream.destroy());
  upstream.on('close', () => socket.destroy());
}

/** Ends a CONNECT the proxy cannot serve: logged, and answered with the same JSON error as any other request. */
function fail(
  socket: Duplex,
  recording: Recording,
  outcome: 'refused' | 'failed',
  status: number,
  code: string,
  message: string,
) {
  finish(recording, outcome, status, message);
  sendRaw(socket, proxyErrorAnswer(undefined, status, code, message));
}
