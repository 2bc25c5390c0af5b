/** `@expiryproof/server/fastify`: the auth handler's routes as a Fastify plugin, and a guard for API routes. */
export { fastifyAuthRoutes, fastifyRequireAuth } from './adapters/fastify.js';
export type { AuthInfo } from './adapters/node-bridge.js';
