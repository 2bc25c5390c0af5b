import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import https from 'node:https';
import { isIP } from 'node:net';
import type { Duplex } from 'node:stream';
import { RequestFacts } from '../rules/request-facts.js';
import type { Decision, RuleSet } from '../rules/rule-set.js';
import { finish, type LogEntry, loggedUrl, type Recording, type TrafficLog } from '../traffic-log.js';
import { type Message, proxyErrorAnswer, ruleAnswer, send } from './answer.js';
import { rawHeader, requestHeaders, responseHeaders } from './headers.js';
import { OwnListenerError, type OwnListeners } from './own-listeners.js';
import { ownListenerRefusal } from './relay-policy.js';
import type { Target } from './target.js';
import { throttle } from './throttle.js';

/** What every request path shares: the rules, the log and the upstream connection pools. */
export interface Pipeline {
  readonly rules: RuleSet;
  readonly log: TrafficLog;
  readonly agents: { readonly http: http.Agent; readonly https: https.Agent };
  /** Every upstream connection resolves its host through this, so none can reach the proxy's own ports. */
  readonly own: OwnListeners;
  /** Reverse mode rewrites Host and adds X-Forwarded-*; forward mode passes the request as addressed. */
  readonly reverse: boolean;
  /** Told about each request a rule fired on, once it is finished. */
  readonly onFired?: ((entry: LogEntry) => void) | undefined;
}

/** A request on its way: where to, and what the rules decided. */
interface Exchange {
  readonly req: IncomingMessage;
  readonly target: Target;
  readonly path: string;
  readonly scheme: 'http' | 'https';
  readonly decision: Decision;
  readonly recording: Recording;
}

/**
 * Handles one HTTP request in any mode: asks the rules, records it, then answers, resets or forwards it.
 * `path` is the origin-form target (path and query) to ask the upstream for.
 */
export function handleRequest(
  pipeline: Pipeline,
  req: IncomingMessage,
  res: ServerResponse,
  target: Target,
  path: string,
  scheme: 'http' | 'https',
): void {
  const exchange = begin(pipeline, req, target, path, scheme);
  carryOut(
    exchange,
    res,
    req.socket,
    (answer) => {
      req.resume();
      send(res, answer);
    },
    () => forward(pipeline, exchange, res),
  );
}

/**
 * Carries out the rules' decision once its delay has passed, unless the client left meanwhile: a reset,
 * the rule's answer (written by `answer`, to a response or a raw socket), or `pass` to the upstream.
 * Shared by plain requests and WebSocket handshakes.
 */
export function carryOut(
  { req, decision, recording }: Exchange,
  carrier: { once(event: 'close', listener: () => void): unknown },
  socket: Duplex & { resetAndDestroy?: () => void },
  answer: (message: Message) => void,
  pass: () => void,
): void {
  afterDelay(decision.delayMs, carrier, () => {
    const final = decision.final;
    if (final?.reset) {
      finish(recording, 'reset', null);
      // A TCP RST where the socket allows it (what a dropped mobile link looks like); a plain close otherwise.
      if (typeof socket.resetAndDestroy === 'function' && !socket.destroyed) socket.resetAndDestroy();
      else socket.destroy();
      return;
    }
    if (final?.answer) {
      answer(ruleAnswer(req, final.answer, final.ruleId));
      return finish(recording, 'answered', final.answer.status);
    }
    pass();
  });
}

/** Evaluates the rules and opens the log entry: shared by plain requests and WebSocket handshakes. */
export function begin(
  pipeline: Pipeline,
  req: IncomingMessage,
  target: Target,
  path: string,
  scheme: 'http' | 'https',
): Exchange {
  const facts = new RequestFacts(req, target.hostPort, path);
  const decision = pipeline.rules.evaluate(facts);
  const recording = pipeline.log.record(
    facts.client,
    facts.method,
    loggedUrl(scheme, target.hostPort, path),
    facts.token() !== undefined,
    decision.fired,
    decision.fired.length ? pipeline.onFired : undefined,
  );
  return { req, target, path: target.basePath + path, scheme, decision, recording };
}

/** Runs `then` after `ms`, unless the client left meanwhile. */
function afterDelay(
  ms: number,
  res: { once(event: 'close', listener: () => void): unknown },
  then: () => void,
) {
  if (ms <= 0) return then();
  let gone = false;
  const timer = setTimeout(() => {
    if (!gone) then();
  }, ms);
  res.once('close', () => {
    gone = true;
    clearTimeout(timer);
  });
}

/** Options for the upstream request of an exchange. */
export function upstreamRequestOptions(
  pipeline: Pipeline,
  exchange: Exchange,
  upgrade = false,
): https.RequestOptions {
  const { req, target, decision } = exchange;
  const secure = target.protocol === 'https:';
  const hostHeader = rawHeader(req.rawHeaders, 'host');
  return {
    protocol: target.protocol,
    hostname: target.hostname,
    port: target.port,
    method: req.method,
    path: exchange.path,
    agent: upgrade ? false : secure ? pipeline.agents.https : pipeline.agents.http,
    lookup: pipeline.own.lookupFor(target.port),
    setHost: false,
    // SNI carries names only (RFC 6066); Node warns when given an IP address.
    servername: secure && !isIP(target.hostname) ? target.hostname : '',
    headers: requestHeaders(req.rawHeaders, decision, {
      host: target.hostPort,
      upgrade,
      forwarded:
        pipeline.reverse && hostHeader
          ? { for: exchange.recording.client, host: hostHeader, proto: exchange.scheme }
          : undefined,
    }),
  };
}

function forward(pipeline: Pipeline, exchange: Exchange, res: ServerResponse) {
  const { req, target, decision, recording } = exchange;
  const transport = target.protocol === 'https:' ? https : http;
  const upstream = transport.request(upstreamRequestOptions(pipeline, exchange));
  upstream.on('response', (up) => {
    res.writeHead(up.statusCode ?? 502, up.statusMessage, responseHeaders(up.rawHeaders));
    (decision.throttle ? up.pipe(throttle(decision.throttle)) : up).pipe(res);
    up.on('error', () => res.destroy());
  });
  upstream.on('error', (error: NodeJS.ErrnoException) => {
    if (res.writableEnded || res.destroyed) return;
    const { status, code, message, outcome } = gatewayError(error, target);
    finish(recording, outcome, res.headersSent ? res.statusCode : status, message);
    send(res, proxyErrorAnswer(req, status, code, message));
  });
  // One listener settles the exchange: finished, or the client went away (mid-body, mid-response) and the
  // upstream request is cancelled with it. (Node emits no 'error' on `req` without a listener.)
  res.once('close', () => {
    if (res.writableFinished) return finish(recording, 'forwarded', res.statusCode);
    upstream.destroy();
    finish(recording, 'aborted', res.headersSent ? res.statusCode : null, 'client went away');
  });
  req.pipe(upstream);
}

/**
 * A 502/504 explained without secrets: the upstream's address and the error code. A target that turned out to
 * be the proxy itself once resolved is a refusal (403), not a failure.
 */
export function gatewayError(error: NodeJS.ErrnoException, target: Target) {
  if (error instanceof OwnListenerError)
    return { ...ownListenerRefusal(target.hostPort), outcome: 'refused' as const };
  const where = `${target.protocol}//${target.hostPort}`;
  const code = error.code ?? 'ERROR';
  const reason =
    code === 'ECONNREFUSED'
      ? 'connection refused (is it running?)'
      : code === 'ENOTFOUND' || code === 'EAI_AGAIN'
        ? 'host name not found'
        : code === 'ECONNRESET'
          ? 'connection reset by the upstream'
          : code.startsWith('ERR_TLS') || code.includes('CERT')
            ? `TLS error ${code} (pass the upstream's CA with --upstream-ca)`
            : code === 'HPE_HEADER_OVERFLOW'
              ? 'its response headers are too large'
              : code;
  const timeout = code === 'ETIMEDOUT';
  return {
    status: timeout ? 504 : 502,
    code: timeout ? 'gateway_timeout' : 'bad_gateway',
    message: `expiryproof-proxy could not get an answer from ${where}: ${reason}`,
    outcome: 'failed' as const,
  };
}
