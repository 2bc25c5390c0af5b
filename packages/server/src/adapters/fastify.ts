import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import type { AuthHandler } from '../http/auth-handler.js';
import { type AuthInfo, authInfo, responseParts, toFetchRequest } from './node-bridge.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** Set by {@link fastifyRequireAuth} on requests whose access token it accepted. */
    auth?: AuthInfo;
  }
}

async function send(reply: FastifyReply, response: Response): Promise<FastifyReply> {
  const { status, headers, body } = await responseParts(response);
  return reply.code(status).headers(headers).send(body);
}

/**
 * The handler's routes (login, refresh, logout, JWKS) as a Fastify plugin: `app.register(fastifyAuthRoutes(handler))`.
 * Inside the plugin (and only there: Fastify encapsulates it) bodies reach the handler as received, whatever
 * their type, so its own checks answer (415 for a non-JSON body, its size limit, its messages). Every
 * method is routed on those paths, so a wrong one gets the handler's 405, not Fastify's 404. Register it
 * without a `prefix`: the handler's paths are its own (`basePath`, `jwksPath` in its options).
 */
export function fastifyAuthRoutes(handler: AuthHandler): FastifyPluginAsync {
  return async (fastify) => {
    fastify.removeAllContentTypeParsers();
    fastify.addContentTypeParser('*', { parseAs: 'buffer' }, (_request, body, done) => done(null, body));
    for (const { path } of handler.routes) {
      fastify.route({
        method: ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'],
        url: path,
        handler: async (request, reply) =>
          send(
            reply,
            await handler(toFetchRequest(request.raw, request.body as Buffer | undefined), {
              clientAddress: request.socket.remoteAddress,
            }),
          ),
      });
    }
  };
}

/**
 * A `preHandler` hook that guards routes with the Bearer access token:
 * `app.get('/api/me', { preHandler: fastifyRequireAuth(handler) }, …)` or `app.addHook('preHandler', …)` in
 * a plugin of API routes. A valid token puts `{ subject, familyId, claims }` on `request.auth`; anything else
 * gets the handler's 401 with its challenge, and the route does not run.
 */
export function fastifyRequireAuth(handler: AuthHandler) {
  return async (request: FastifyRequest, reply: FastifyReply): Promise<void> => {
    const result = await handler.authenticate(toFetchRequest(request.raw, undefined, false));
    if (!result.ok) {
      await send(reply, result.response);
      return;
    }
    request.auth = authInfo(result);
  };
}
