import { type IncomingMessage, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { normaliseAddress } from '../rules/request-facts.js';
import { CA_HOST, serveCaPage } from '../tls/ca-page.js';
import type { CertificateAuthority } from '../tls/certificate-authority.js';
import { finish, type TrafficLog } from '../traffic-log.js';
import { proxyErrorAnswer, send, sendRaw } from './answer.js';
import { handleRequest, type Pipeline } from './pipeline.js';
import type { Refusal } from './relay-policy.js';
import { type Target, targetOf } from './target.js';
import { handleUpgrade } from './upgrade.js';

interface RouterOptions {
  pipeline: Pipeline;
  /** Reverse mode's one upstream; forward mode without. */
  upstream: Target | undefined;
  /** Forward mode: why the proxy will not relay to a target, if it will not. */
  refusal: (target: Target) => Refusal | undefined;
  /** The CA, once loaded (forward mode with `mitm`). */
  ca: () => CertificateAuthority | undefined;
}

/**
 * Decides where each request arriving at the proxy's port goes: to the upstream (reverse), to the host it names
 * (forward), to the CA page, or nowhere (a refusal the log records).
 */
export function createRouter({ pipeline, upstream, refusal, ca }: RouterOptions) {
  const { log } = pipeline;

  /** Answers (and logs) a request the proxy will not handle, on its response or, for upgrades, its socket. */
  function refuse(
    req: IncomingMessage,
    reply: ServerResponse | Duplex,
    status: number,
    code: string,
    message: string,
  ) {
    const client = normaliseAddress(req.socket.remoteAddress ?? '');
    const url = (req.url ?? '').split('?')[0] ?? '';
    finish(log.record(client, req.method ?? '?', url, false, []), 'refused', status, message);
    const answer = proxyErrorAnswer(req, status, code, message);
    if (reply instanceof ServerResponse) {
      req.resume();
      send(reply, answer);
    } else sendRaw(reply, answer);
  }

  function request(req: IncomingMessage, res: ServerResponse) {
    const url = req.url ?? '/';
    if (upstream) {
      if (url.startsWith('/')) return handleRequest(pipeline, req, res, upstream, url, 'http');
      return refuse(
        req,
        res,
        403,
        'not_a_relay',
        'this is a reverse proxy for one upstream; it does not relay to other hosts',
      );
    }
    if (url.startsWith('/')) {
      if (serveCaPage(req, res, ca())) return;
      return refuse(
        req,
        res,
        404,
        'not_found',
        'this is a forward proxy: set it as the HTTP proxy of the device or browser',
      );
    }
    const target = absoluteTarget(url);
    if (!target)
      return refuse(req, res, 400, 'bad_request', 'a forward proxy request needs an absolute http:// URL');
    if (target.hostname === CA_HOST) {
      req.url = new URL(url).pathname;
      if (!serveCaPage(req, res, ca())) refuse(req, res, 404, 'not_found', `open http://${CA_HOST}/`);
      return;
    }
    const refused = refusal(target);
    if (refused) return refuse(req, res, refused.status, refused.code, refused.message);
    handleRequest(pipeline, req, res, target, pathOf(url), 'http');
  }

  function upgrade(req: IncomingMessage, socket: Duplex, head: Buffer) {
    const url = req.url ?? '/';
    if (upstream && url.startsWith('/'))
      return handleUpgrade(pipeline, req, socket, head, upstream, url, 'http');
    const target = upstream ? undefined : absoluteTarget(url);
    if (!target)
      return refuse(req, socket, 403, 'host_not_allowed', 'this proxy does not relay this upgrade');
    const refused = refusal(target);
    if (refused) return refuse(req, socket, refused.status, refused.code, refused.message);
    handleUpgrade(pipeline, req, socket, head, target, pathOf(url), 'http');
  }

  /** CONNECT on a reverse proxy: it has one upstream and opens no tunnels. */
  function connectRefused(req: IncomingMessage, socket: Duplex) {
    refuse(req, socket, 405, 'method_not_allowed', 'a reverse proxy does not open tunnels (CONNECT)');
  }

  return {
    request,
    upgrade,
    connectRefused,
    clientError: (error: NodeJS.ErrnoException, socket: Duplex) => rejectMalformed(error, socket, log),
  };
}

/** The origin-form path of an absolute-form request target. */
function pathOf(url: string): string {
  const at = url.indexOf('/', url.indexOf('//') + 2);
  return at === -1 ? '/' : url.slice(at);
}

function absoluteTarget(url: string): Target | undefined {
  if (!url.startsWith('http://')) return undefined;
  try {
    // The origin only: the path is the request's, not a base path to prefix.
    return targetOf(new URL(new URL(url).origin));
  } catch {
    return undefined;
  }
}

/** Malformed or oversized requests get a clear answer instead of a silent close. */
function rejectMalformed(error: NodeJS.ErrnoException, socket: Duplex, log: TrafficLog) {
  if (error.code === 'ECONNRESET' || !socket.writable) return void socket.destroy();
  const tooLarge = error.code === 'HPE_HEADER_OVERFLOW';
  const status = tooLarge ? 431 : 400;
  const message = tooLarge
    ? 'request headers are larger than this proxy accepts (see --max-header-size)'
    : `malformed HTTP request (${error.code ?? 'parse error'})`;
  finish(log.record('', '?', '?', false, []), 'refused', status, message);
  sendRaw(
    socket,
    proxyErrorAnswer(undefined, status, tooLarge ? 'headers_too_large' : 'bad_request', message),
  );
}
