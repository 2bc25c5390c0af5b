export { createSession } from './create-session.js';
export * from './shared-exports.js';
