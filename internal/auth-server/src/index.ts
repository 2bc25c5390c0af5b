export {
  type AuthServer,
  type AuthServerOptions,
  type LoggedRequest,
  type RefreshFault,
  startAuthServer,
} from './http-server.js';
export { type AuthProcess, spawnAuthServer } from './spawn.js';
