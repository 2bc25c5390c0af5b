// The store contract, run against each store: rotation, the two grace rules, logout's deny-list and expiry
// through the HTTP handler, and the store operations called directly. PostgreSQL and Redis are real
// servers this file starts (see db-servers.ts); the SQLite store is a file.
import { describe } from 'vitest';
import { graceContract } from './contract/grace.js';
import { idempotencyContract } from './contract/idempotency.js';
import { logoutContract } from './contract/logout.js';
import { rotationContract } from './contract/rotation.js';
import { storeOperationsContract } from './contract/store-operations.js';
import type { OpenWorld } from './contract/world.js';
import { startWorld } from './helpers.js';
import { STORE_KINDS } from './store-handles.js';
import { useStores } from './stores.js';

const { open } = useStores();

describe.each(STORE_KINDS)('%s store', (kind) => {
  const world: OpenWorld = async (options = {}) => startWorld({ ...options, store: await open(kind) });
  rotationContract(world);
  graceContract(world);
  idempotencyContract(world);
  logoutContract(world);
  storeOperationsContract(() => open(kind));
});
