import { InvalidTokensError, SessionWarning } from '../errors.js';
import { readTimeClaims } from './jwt.js';
import type { TokenStorage, Tokens } from './types.js';

/** What a request carries: the Authorization value and the token generation it came from. */
export interface Credential {
  readonly authorization: string | undefined;
  readonly generation: number;
}

export interface TokenStore {
  credential(): Credential;
  readonly generation: number;
  readonly tokens: Tokens | null;
  /** True once the proactive refresh point has passed. */
  due(): boolean;
  /** True while the access token is not past its known expiry (unknown expiry counts as fresh). */
  fresh(): boolean;
  set(tokens: Tokens | null): void;
}

/** Checks a token set from user code; the message never echoes token values. */
export function validateTokens(value: unknown, from: string): Tokens {
  const { accessToken, refreshToken, expiresAt } = (value ?? {}) as Partial<Tokens>;
  if (
    typeof accessToken !== 'string' ||
    !accessToken ||
    !['string', 'undefined'].includes(typeof refreshToken) ||
    !(expiresAt === undefined || expiresAt instanceof Date || typeof expiresAt === 'number')
  ) {
    throw new InvalidTokensError(
      `${from} must give { accessToken: string, refreshToken?: string, expiresAt?: number | Date }`,
    );
  }
  return value as Tokens;
}

interface StoreDeps {
  storage: TokenStorage | undefined;
  initial: Tokens | undefined;
  leeway: number;
  now: () => number;
  warn: (warning: SessionWarning) => void;
}

export function createTokenStore({ storage, initial, leeway, now, warn }: StoreDeps): TokenStore {
  let tokens: Tokens | null = null;
  let generation = 0;
  let expiresAt: number | undefined;
  let refreshAt: number | undefined;

  /** A storage that throws is dropped for memory: losing persistence beats losing the session. */
  function fail(code: 'storage-failed' | 'stored-tokens-invalid', cause: unknown) {
    if (code === 'storage-failed') storage = undefined;
    warn(new SessionWarning(code, { cause }));
  }

  function set(next: Tokens | null, persist = true) {
    generation++;
    const at = now();
    const claims = next && next.expiresAt === undefined ? readTimeClaims(next.accessToken) : undefined;
    expiresAt = next?.expiresAt === undefined ? (claims ? claims.exp * 1000 : undefined) : +next.expiresAt;
    // A fresh JWT that already looks expired, or was issued in our future, means the clocks disagree:
    // trust its own lifetime (exp - iat) on our clock instead.
    if (
      claims?.iat !== undefined &&
      claims.exp > claims.iat &&
      (expiresAt! <= at || claims.iat * 1000 > at + 60_000)
    ) {
      warn(new SessionWarning('clock-skew'));
      expiresAt = at + (claims.exp - claims.iat) * 1000;
    }
    const lifetime = (expiresAt ?? Number.NaN) - at;
    refreshAt = lifetime > 0 ? expiresAt! - Math.min(leeway, lifetime / 4) : undefined;
    if (lifetime <= 0) {
      // Refreshing proactively now would loop: rely on the server's 401 for this token.
      warn(new SessionWarning('clock-skew'));
    }
    tokens = next && { accessToken: next.accessToken, refreshToken: next.refreshToken, expiresAt };
    try {
      if (persist) storage?.save(tokens);
    } catch (cause) {
      fail('storage-failed', cause);
    }
  }

  if (initial) set(validateTokens(initial, 'options.tokens'));
  else {
    let loaded: Tokens | null = null;
    try {
      loaded = storage?.load() ?? null;
    } catch (cause) {
      warn(new SessionWarning('storage-failed', { cause }));
    }
    try {
      if (loaded) set(validateTokens(loaded, 'storage'), false);
    } catch (cause) {
      fail('stored-tokens-invalid', cause);
    }
  }

  return {
    credential: () => ({ authorization: tokens ? `Bearer ${tokens.accessToken}` : undefined, generation }),
    get generation() {
      return generation;
    },
    get tokens() {
      return tokens;
    },
    due: () => refreshAt !== undefined && now() >= refreshAt,
    fresh: () => expiresAt === undefined || now() < expiresAt,
    set,
  };
}
