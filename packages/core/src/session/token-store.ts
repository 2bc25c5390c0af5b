import { InvalidTokensError, SessionWarning } from '../errors.js';
import { readTimeClaims } from './jwt.js';
import type { TokenStorage, Tokens } from './types.js';

/** What a request carries: the Authorization value and the token generation it came from. */
export interface Credential {
  readonly authorization: string | undefined;
  readonly generation: number;
}

/** Tokens as kept: expiry resolved to local epoch milliseconds. */
interface Held {
  accessToken: string;
  refreshToken: string | undefined;
  expiresAt: number | undefined;
  /** When to refresh proactively; undefined = only on 401. */
  refreshAt: number | undefined;
}

export interface TokenStore {
  credential(): Credential;
  readonly generation: number;
  readonly refreshToken: string | undefined;
  readonly accessToken: string | null;
  /** True once the proactive refresh point has passed. */
  due(): boolean;
  /** True while the access token is not past its known expiry (unknown expiry counts as fresh). */
  fresh(): boolean;
  set(tokens: Tokens | null): void;
}

/** Checks a token set from user code; the message never echoes token values. */
export function validateTokens(value: unknown, from: string): Tokens {
  const tokens = value as Partial<Tokens> | null;
  if (!tokens || typeof tokens.accessToken !== 'string' || tokens.accessToken === '') {
    throw new InvalidTokensError(`${from} must provide a non-empty string accessToken`);
  }
  if (tokens.refreshToken !== undefined && typeof tokens.refreshToken !== 'string') {
    throw new InvalidTokensError(`${from} gave a refreshToken that is not a string`);
  }
  const expiresAt = tokens.expiresAt;
  if (expiresAt !== undefined && !(expiresAt instanceof Date) && typeof expiresAt !== 'number') {
    throw new InvalidTokensError(`${from} gave an expiresAt that is neither a number nor a Date`);
  }
  return tokens as Tokens;
}

interface StoreDeps {
  storage: TokenStorage | undefined;
  initial: Tokens | undefined;
  leeway: number;
  now: () => number;
  warn: (warning: SessionWarning) => void;
}

export function createTokenStore({ storage, initial, leeway, now, warn }: StoreDeps): TokenStore {
  let held: Held | null = null;
  let generation = 0;
  let backend = storage;

  /** A storage that throws is dropped for memory: losing persistence beats losing the session. */
  function persist(tokens: Tokens | null) {
    try {
      backend?.save(tokens);
    } catch (cause) {
      backend = undefined;
      warn(new SessionWarning('storage-failed', 'Token storage failed; keeping tokens in memory', { cause }));
    }
  }

  function hold(tokens: Tokens, fromStorage: boolean): Held {
    const at = now();
    let expiresAt = tokens.expiresAt === undefined ? undefined : +tokens.expiresAt;
    if (expiresAt !== undefined && !Number.isFinite(expiresAt)) expiresAt = undefined;
    let lifetime = expiresAt === undefined ? undefined : expiresAt - at;
    const claims = expiresAt === undefined ? readTimeClaims(tokens.accessToken) : undefined;
    if (claims) {
      expiresAt = claims.exp * 1000;
      lifetime = expiresAt - at;
      // A fresh token that already looks expired, or was issued in our future, means the clocks
      // disagree: trust the token's own lifetime (exp - iat) measured on our clock instead.
      const issued = claims.iat === undefined ? undefined : claims.iat * 1000;
      if (
        !fromStorage &&
        issued !== undefined &&
        claims.exp > claims.iat! &&
        (lifetime <= 0 || issued > at + 60_000)
      ) {
        warn(
          new SessionWarning('clock-skew', 'Token times disagree with this clock; using the token lifetime'),
        );
        lifetime = expiresAt - issued;
        expiresAt = at + lifetime;
      }
    }
    let refreshAt: number | undefined;
    if (expiresAt !== undefined && lifetime !== undefined) {
      if (lifetime > 0 || fromStorage) {
        refreshAt = expiresAt - (fromStorage ? leeway : Math.min(leeway, lifetime / 4));
      } else {
        // Refreshing proactively now would loop: rely on the server's 401 for this token.
        warn(
          new SessionWarning(
            'clock-skew',
            'New token is already expired by this clock; refreshing on 401 only',
          ),
        );
      }
    }
    return { accessToken: tokens.accessToken, refreshToken: tokens.refreshToken, expiresAt, refreshAt };
  }

  function set(tokens: Tokens | null, fromStorage = false) {
    held = tokens ? hold(tokens, fromStorage) : null;
    generation++;
    if (!fromStorage) {
      persist(
        held && { accessToken: held.accessToken, refreshToken: held.refreshToken, expiresAt: held.expiresAt },
      );
    }
  }

  if (initial) {
    set(validateTokens(initial, 'options.tokens'));
  } else if (backend) {
    let loaded: Tokens | null = null;
    try {
      loaded = backend.load();
    } catch (cause) {
      warn(
        new SessionWarning('storage-failed', 'Stored tokens could not be read; starting without', { cause }),
      );
    }
    try {
      if (loaded) set(validateTokens(loaded, 'storage'), true);
    } catch (cause) {
      warn(
        new SessionWarning('stored-tokens-invalid', 'Stored tokens are malformed; starting without', {
          cause,
        }),
      );
    }
  }

  return {
    credential: () => ({
      authorization: held ? `Bearer ${held.accessToken}` : undefined,
      generation,
    }),
    get generation() {
      return generation;
    },
    get refreshToken() {
      return held?.refreshToken;
    },
    get accessToken() {
      return held?.accessToken ?? null;
    },
    due: () => held?.refreshAt !== undefined && now() >= held.refreshAt,
    fresh: () => held?.expiresAt === undefined || now() < held.expiresAt,
    set: (tokens) => set(tokens),
  };
}
