import type { startWorld, World, WorldOptions } from '../helpers.js';

/** {@link startWorld} over the store under test. */
export type OpenWorld = (options?: Omit<WorldOptions, 'store'>) => Promise<World>;
