import { randomBytes, type ScryptOptions, scrypt, timingSafeEqual } from 'node:crypto';
import type { LoginCredentials } from './http/auth-handler.js';

/** scrypt's cost parameters. The defaults (N = 2^14, r = 8, p = 1) take 16 MiB and some tens of ms. */
export interface ScryptParameters {
  /** CPU/memory cost N, a power of two. Default 16 384. */
  cost?: number;
  /** Block size r. Default 8. */
  blockSize?: number;
  /** Parallelisation p. Default 1. */
  parallelization?: number;
}

/** An account as {@link createPasswordVerifier} needs it. */
export interface PasswordAccount {
  /** The JWT `sub`: a stable user id. */
  subject: string;
  /** What {@link hashPassword} made of the account's password. */
  passwordHash: string;
}

/** Options of {@link createPasswordVerifier}. */
export interface PasswordVerifierOptions {
  /** The account a login names, or `null`/`undefined` when there is none. */
  findUser: (
    username: string,
  ) => Promise<PasswordAccount | null | undefined> | PasswordAccount | null | undefined;
  /** The algorithm of the stored hashes. Only `'scrypt'` (node:crypto, no dependency). */
  hash: 'scrypt';
  /**
   * Parameters of the dummy hash computed for unknown accounts: keep them those of your stored hashes
   * (the defaults, unless you chose others), or the two paths take different times.
   */
  scrypt?: ScryptParameters;
}

const KEY_LENGTH = 32;
const SALT_LENGTH = 16;
// $scrypt$ln=<log2 N>,r=<r>,p=<p>$<salt, base64url>$<key, base64url>
const FORMAT = /^\$scrypt\$ln=(\d{1,2}),r=(\d{1,3}),p=(\d{1,3})\$([A-Za-z0-9_-]{16,})\$([A-Za-z0-9_-]{32,})$/;

interface Parsed {
  options: Required<Pick<ScryptOptions, 'N' | 'r' | 'p' | 'maxmem'>>;
  salt: Buffer;
  key: Buffer;
}

function scryptOptions(parameters: ScryptParameters = {}) {
  const N = parameters.cost ?? 16_384;
  const r = parameters.blockSize ?? 8;
  const p = parameters.parallelization ?? 1;
  if (!Number.isInteger(Math.log2(N)) || N < 2)
    throw new RangeError('scrypt cost must be a power of two ≥ 2');
  // scrypt needs 128·N·r bytes; node refuses above `maxmem` (32 MiB by default).
  return { N, r, p, maxmem: 256 * N * r + 1_048_576 };
}

const derive = (password: string, salt: Buffer, length: number, options: Parsed['options']) =>
  new Promise<Buffer>((resolve, reject) =>
    scrypt(password.normalize('NFKC'), salt, length, options, (error, key) =>
      error ? reject(error) : resolve(key),
    ),
  );

function parse(passwordHash: string): Parsed {
  const match = FORMAT.exec(passwordHash);
  if (!match) throw new TypeError('passwordHash is not a hash made by hashPassword');
  const [, ln, r, p, salt, key] = match;
  return {
    options: scryptOptions({ cost: 2 ** Number(ln), blockSize: Number(r), parallelization: Number(p) }),
    salt: Buffer.from(salt!, 'base64url'),
    key: Buffer.from(key!, 'base64url'),
  };
}

/**
 * Hashes a password for storage with scrypt (node:crypto) and a random salt:
 * `$scrypt$ln=14,r=8,p=1$<salt>$<key>`, to keep in your user table and give back through `findUser`.
 */
export async function hashPassword(password: string, parameters?: ScryptParameters): Promise<string> {
  const options = scryptOptions(parameters);
  const salt = randomBytes(SALT_LENGTH);
  const key = await derive(password, salt, KEY_LENGTH, options);
  const params = `ln=${Math.log2(options.N)},r=${options.r},p=${options.p}`;
  return `$scrypt$${params}$${salt.toString('base64url')}$${key.toString('base64url')}`;
}

/**
 * A `verifyPassword` for {@link createAuthHandler} that does the same work whether the account exists or
 * not: for an unknown username it still derives a scrypt key (against a random dummy salt and key, with the
 * same parameters) and compares it in constant time, so the answer's timing does not tell which usernames
 * exist. Resolves the account's `subject`, or `null`.
 *
 * @example
 * const verifyPassword = createPasswordVerifier({ hash: 'scrypt', findUser: (name) => users.byEmail(name) });
 */
export function createPasswordVerifier(
  options: PasswordVerifierOptions,
): (credentials: LoginCredentials) => Promise<string | null> {
  if (options.hash !== 'scrypt') throw new TypeError("hash must be 'scrypt'");
  const dummy: Parsed = {
    options: scryptOptions(options.scrypt),
    salt: randomBytes(SALT_LENGTH),
    key: randomBytes(KEY_LENGTH),
  };
  return async ({ username, password }) => {
    const account = await options.findUser(username);
    const stored = account ? parse(account.passwordHash) : dummy;
    const key = await derive(password, stored.salt, stored.key.length, stored.options);
    const equal = timingSafeEqual(key, stored.key);
    return account && equal ? account.subject : null;
  };
}
