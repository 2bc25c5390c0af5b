/**
 * `@expiryproof/server/redis`: the Redis store. A separate entry so that the main entry never refers to
 * ioredis, an optional peer dependency (this entry only uses the client it is given).
 */
export { createRedisStore, type RedisStore, type RedisStoreOptions } from './redis-store.js';
