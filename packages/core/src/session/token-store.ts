import { InvalidTokensError, SessionWarning } from '../errors.js';
import { readTimeClaims } from './jwt.js';
import type { EngineOptions, Tokens } from './types.js';

/**
 * What a request carries. One object per token generation: two requests sent with the same tokens hold
 * the same object, so identity tells whether the tokens changed since (and the hot path allocates nothing).
 */
export interface Credential {
  readonly authorization: string | undefined;
}

export interface TokenStore {
  credential(): Credential;
  readonly tokens: Tokens | null;
  /** True once the proactive refresh point has passed. */
  due(): boolean;
  /** True while the access token is not past its known expiry (unknown expiry counts as fresh). */
  fresh(): boolean;
  /**
   * Puts tokens in place. `issuedNow`: they come straight from the server (a refresh, a sign-in dialog, a
   * sibling's refresh), so if they look expired it is our clock that is wrong, not the tokens that are old.
   */
  set(tokens: Tokens | null, issuedNow?: boolean, persist?: boolean): void;
  /** What the storage holds now (another tab may have saved newer tokens), or null. */
  stored(): Tokens | null;
}

// Visible ASCII: anything else either breaks the Authorization header (CR/LF would inject headers, and
// fetch's TypeError would quote the token) or is not a bearer token (RFC 6750 b64token) at all.
const HEADER_SAFE = /^[!-~]*$/;

/** Checks a token set from user code, the storage or the server; the message never echoes token values. */
export function validateTokens(value: unknown, from: string): Tokens {
  const { accessToken, refreshToken, expiresAt } = (value ?? {}) as Partial<Tokens>;
  // `|| 0`: a missing or empty accessToken fails as "not a string"; a missing refreshToken is fine.
  for (const [name, token] of [
    ['accessToken', accessToken || 0],
    ['refreshToken', refreshToken],
  ] as const) {
    if (token !== undefined && !(typeof token === 'string' && HEADER_SAFE.test(token))) {
      throw new InvalidTokensError(`${from}: ${name} must be a visible-ASCII string`);
    }
  }
  if (!(expiresAt === undefined || expiresAt instanceof Date || typeof expiresAt === 'number')) {
    throw new InvalidTokensError(`${from}: expiresAt must be a number or a Date`);
  }
  return value as Tokens;
}

/** Tolerance for clocks that disagree a little, and the span in which a token counts as just issued. */
const MOMENT = 60_000;

/**
 * The token state of a session: `options.tokens` or what `options.storage` holds to start with, expiry read
 * on `options.now`'s clock, refresh points `leeway` ms ahead. Warnings go to `warn`.
 */
export function createTokenStore(
  { storage, tokens: initial, now = Date.now }: EngineOptions,
  leeway: number,
  warn: (warning: SessionWarning) => void,
): TokenStore {
  let tokens: Tokens | null = null;
  let credential: Credential = { authorization: undefined };
  let expiresAt: number | undefined;
  let refreshAt: number | undefined;

  function set(next: Tokens | null, issuedNow = false, persist = true) {
    const at = now();
    const claims = next && next.expiresAt === undefined ? readTimeClaims(next.accessToken) : undefined;
    expiresAt = next?.expiresAt === undefined ? claims && claims.exp * 1000 : +next.expiresAt;
    const issuedAt = Number(claims?.iat) * 1000;
    // Times that cannot be true on our clock mean the clocks disagree. An expired token that is simply old
    // (from storage, options or setTokens, issued long ago) is not skew: it is due for a refresh right away.
    // (Without an expiry, `expiresAt! <= at` is false; without an `iat`, issuedAt is NaN: both fall through.)
    const skew =
      issuedAt > at + MOMENT
        ? 'issued in the future'
        : expiresAt! <= at && (issuedNow || at - issuedAt < MOMENT)
          ? 'expired on arrival'
          : '';
    if (skew) {
      warn(new SessionWarning('clock-skew', skew));
      // Trust the token's own lifetime on our clock. Without one, refreshing now would only loop: rely on
      // the server's 401 for this token.
      const lifetime = (claims?.exp ?? 0) * 1000 - issuedAt;
      expiresAt = lifetime > 0 ? at + lifetime : undefined;
    }
    refreshAt = expiresAt && expiresAt - Math.min(leeway, Math.max(0, expiresAt - at) / 4);
    tokens = next && { accessToken: next.accessToken, refreshToken: next.refreshToken, expiresAt };
    credential = { authorization: tokens ? `Bearer ${tokens.accessToken}` : undefined };
    try {
      if (persist) storage?.save(tokens);
    } catch (cause) {
      // A storage that throws is dropped for memory: losing persistence beats losing the session.
      storage = undefined;
      warn(new SessionWarning('storage-failed', '', { cause }));
    }
  }

  function stored(): Tokens | null {
    try {
      const loaded = storage?.load();
      return loaded ? validateTokens(loaded, 'storage') : null;
    } catch (cause) {
      warn(
        new SessionWarning(InvalidTokensError.is(cause) ? 'stored-tokens-invalid' : 'storage-failed', '', {
          cause,
        }),
      );
      return null;
    }
  }

  if (initial) set(validateTokens(initial, 'options.tokens'));
  else {
    const loaded = stored();
    if (loaded) set(loaded, false, false);
  }

  return {
    credential: () => credential,
    get tokens() {
      return tokens;
    },
    due: () => refreshAt !== undefined && now() >= refreshAt,
    fresh: () => expiresAt === undefined || now() < expiresAt,
    set,
    stored,
  };
}
