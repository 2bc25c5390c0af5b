// `npx expiryproof check --config expiryproof.lazy.config.ts`: the same audit against the lazy client.
import { demoCheckConfig } from './check-config.js';

export default demoCheckConfig(process.env.EXPIRYPROOF_BASE_URL ?? 'http://127.0.0.1:3000', '/lazy');
