/**
 * `@expiryproof/core/channel-locks`: the stand-in for Web Locks on platforms without them, kept out of the
 * default entry because every browser since 2022 has `navigator.locks`.
 */
export { type ChannelLocksOptions, channelLocks } from './page/channel-locks.js';
export type { TabLocks } from './session/types.js';
