/**
 * `@expiryproof/server/node`: the auth handler on node:http, Connect and Express — its routes as a middleware
 * (`app.use(authRoutes(handler))`) and a guard for API routes (`requireAuth(handler)`).
 */
export {
  authRoutes,
  type FetchHandler,
  type Next,
  type NodeMiddleware,
  type NodeRequest,
  nodeListener,
  requireAuth,
} from './adapters/node.js';
export { type AuthInfo, toFetchRequest, writeFetchResponse } from './adapters/node-bridge.js';
