export { expiryproofInterceptor } from './interceptor.js';
export { EXPIRYPROOF_SESSION, provideExpiryproof } from './provide.js';
export { SKIP_EXPIRYPROOF } from './skip.js';
