import { HttpContextToken } from '@angular/common/http';

/**
 * Set to `true` on a request's `HttpContext` to send it untouched: no token, no parking, no replay. Use it
 * for the refresh and login calls when they go through `HttpClient`: a refresh that waited for itself
 * would hang until `refreshTimeout`.
 *
 * @example
 * http.post<Tokens>('/auth/refresh', { refreshToken }, { context: new HttpContext().set(SKIP_EXPIRYPROOF, true) });
 */
export const SKIP_EXPIRYPROOF: HttpContextToken<boolean> = new HttpContextToken<boolean>(() => false);
