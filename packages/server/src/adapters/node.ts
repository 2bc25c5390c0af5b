import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AuthHandler } from '../http/auth-handler.js';
import type { RequestContext } from '../http/forwarded.js';
import { invalidRequest, jsonAnswer, toResponse } from '../http/semantics.js';
import {
  type AuthInfo,
  authInfo,
  type ReadBody,
  readNodeBody,
  serves,
  toFetchRequest,
  writeFetchResponse,
} from './node-bridge.js';

/** A Node request as Express (or Connect) hands it on: perhaps with the mount path cut and the body read. */
export type NodeRequest = IncomingMessage & { originalUrl?: string; body?: ReadBody; auth?: AuthInfo };
/** Connect/Express `next`. */
export type Next = (error?: unknown) => void;
/** A middleware for node:http (`next` absent), Connect and Express (`app.use(...)`). */
export type NodeMiddleware = (req: NodeRequest, res: ServerResponse, next?: Next) => Promise<void>;

/** Whether a body parser (express.json(), body-parser) already read the stream: then `req.body` is the body. */
const alreadyRead = (req: NodeRequest) => req.readableEnded || (req as { _body?: unknown })._body === true;

/** A fetch-style handler: `createAuthHandler`'s, or one of yours that routes to it. */
export type FetchHandler = (request: Request, context?: RequestContext) => Promise<Response>;

/**
 * Serves a fetch-style handler from node:http (`http.createServer(nodeListener(handler))`): every request,
 * with the socket's address as `clientAddress`. What it throws is answered 500 (`{ error: 'server_error' }`,
 * nothing of the error), or ends the connection when the answer had begun.
 */
export function nodeListener(
  handler: FetchHandler,
): (req: NodeRequest, res: ServerResponse) => Promise<void> {
  return async (req, res) => {
    try {
      await serve(handler, req, res);
    } catch (error) {
      // The handler answers its own errors; this is the bridge or a handler of yours failing.
      if (res.headersSent) return void res.destroy(error as Error);
      await writeFetchResponse(res, toResponse(jsonAnswer(500, { error: 'server_error' })));
    }
  };
}

const serve = async (handler: FetchHandler, req: NodeRequest, res: ServerResponse) => {
  const hasBody = req.method !== 'GET' && req.method !== 'HEAD';
  const body = alreadyRead(req) ? (req.body ?? '') : hasBody ? await readNodeBody(req) : undefined;
  if (hasBody && body === undefined) {
    res.setHeader('connection', 'close'); // the rest of the body is not read: this connection cannot go on
    return writeFetchResponse(res, toResponse(invalidRequest('The body is too large', 413)));
  }
  const request = toFetchRequest(req, body);
  await writeFetchResponse(res, await handler(request, { clientAddress: req.socket.remoteAddress }));
};

/**
 * Serves the handler's routes (login, refresh, logout, JWKS) from node:http or Express:
 * `app.use(authRoutes(handler))`, or `http.createServer(authRoutes(handler))`. Other paths go to `next`
 * (a 404 from the handler without one). Works before or after `express.json()`: a body it already parsed is
 * serialised again. The socket's address is passed on for login throttling per address.
 */
export function authRoutes(handler: AuthHandler): NodeMiddleware {
  return async (req, res, next) => {
    const url = req.originalUrl ?? req.url ?? '/';
    if (next && !serves(handler.routes, url)) return next();
    try {
      await serve(handler, req, res);
    } catch (error) {
      if (next) next(error);
      else res.destroy(error as Error);
    }
  };
}

/**
 * Guards API routes with the Bearer access token: `app.use('/api', requireAuth(handler))`. A valid token
 * puts `{ subject, familyId, claims }` on `req.auth` and calls `next`; anything else gets the handler's 401
 * (with its `WWW-Authenticate` challenge) and goes no further. A failing store goes to `next(error)`.
 */
export function requireAuth(handler: AuthHandler): NodeMiddleware {
  return async (req, res, next) => {
    try {
      const result = await handler.authenticate(toFetchRequest(req, undefined, false));
      if (!result.ok) return await writeFetchResponse(res, result.response);
      req.auth = authInfo(result);
      next?.();
    } catch (error) {
      if (next) next(error);
      else res.destroy(error as Error);
    }
  };
}
