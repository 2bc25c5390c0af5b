// `npx expiryproof check` in this folder audits the resilient client of a running demo (npm run demo).
import { demoCheckConfig } from './check-config.js';

export default demoCheckConfig(process.env.EXPIRYPROOF_BASE_URL ?? 'http://127.0.0.1:3000');
