/** The time claims of a JWT, in seconds; undefined for opaque or malformed tokens. */
export interface TimeClaims {
  exp: number;
  iat?: number | undefined;
}

/**
 * Reads `exp` and `iat` without verifying anything: the client only needs to know when to refresh,
 * the server stays the judge. Anything malformed is treated as an opaque token.
 */
export function readTimeClaims(token: string): TimeClaims | undefined {
  const part = token.split('.')[1];
  if (!part) return undefined;
  try {
    // atob takes base64 without its padding (forgiving-base64), so only the URL-safe letters need mapping.
    // A payload of `null` throws here, and counts as opaque like any other malformed token.
    const { exp, iat }: { exp?: number; iat?: number } = JSON.parse(
      atob(part.replace(/-/g, '+').replace(/_/g, '/')),
    );
    // Number.isFinite is false for anything that is not a number, so no typeof check is needed.
    if (!Number.isFinite(exp)) return undefined;
    return { exp: exp!, iat: Number.isFinite(iat) ? iat : undefined };
  } catch {
    return undefined;
  }
}
