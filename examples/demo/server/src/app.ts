import fastifyCookie from '@fastify/cookie';
import fastifyStatic from '@fastify/static';
import Fastify, { type FastifyError } from 'fastify';
import type { DemoConfig } from './config.js';
import { openDatabase } from './db.js';
import { apiRoutes } from './routes/api.js';
import { authRoutes } from './routes/auth.js';
import { debugRoutes } from './routes/debug.js';
import { createTokenService } from './tokens.js';

/** Builds the demo server: auth, API, optional debug routes, and the built client as a single-page app. */
export async function buildApp(config: DemoConfig) {
  const db = await openDatabase(config.dbFile);
  const tokens = createTokenService(db, config);
  // No type coercion: a number where a string belongs is bad input, not something to guess at.
  const app = Fastify({
    logger: false,
    bodyLimit: 64 * 1024,
    ajv: { customOptions: { coerceTypes: false } },
  });
  await app.register(fastifyCookie);

  // Bad input is the client's fault and says what is wrong; only real faults are 500s.
  app.setErrorHandler((error: FastifyError, _request, reply) => {
    const status = error.statusCode && error.statusCode >= 400 ? error.statusCode : 500;
    if (status >= 500) app.log.error(error);
    return reply.status(status).send({
      error: status >= 500 ? 'internal_error' : 'invalid_request',
      message: status >= 500 ? 'Something went wrong on the server' : error.message,
    });
  });

  authRoutes(app, db, tokens, config.refreshTtlMs);
  apiRoutes(app, db, tokens);
  if (config.debug) debugRoutes(app, db, tokens);

  if (config.clientDir) {
    await app.register(fastifyStatic, { root: config.clientDir, index: false, wildcard: false });
  }
  app.setNotFoundHandler((request, reply) => {
    const isPage = request.method === 'GET' && !/^\/(api|auth)\//.test(request.url);
    if (isPage && config.clientDir) return reply.type('text/html').sendFile('index.html');
    return reply
      .status(404)
      .send({ error: 'not_found', message: `No route ${request.method} ${request.url.split('?')[0]}` });
  });

  app.addHook('onClose', async () => db.close());
  return { app, tokens };
}
