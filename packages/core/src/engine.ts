/**
 * `@expiryproof/core/engine`: the session without the page integration (no cross-tab coordination, no
 * renewal on visible/online/wake). For workers, React Native, Node and embeds, where those cannot run
 * or are not wanted; everything else is the same as the default entry.
 */
import { createEngine } from './session/create-engine.js';
import type { EngineOptions, Session } from './session/types.js';

export * from './shared-exports.js';

/** Creates a single-tab session. See `createSession` of `@expiryproof/core` for the request cycle. */
export function createSession(options: EngineOptions): Session {
  return createEngine(options);
}
