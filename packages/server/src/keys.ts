import {
  createPrivateKey,
  createPublicKey,
  createSecretKey,
  generateKeyPairSync,
  type KeyObject,
  type JsonWebKey as NodeJsonWebKey,
  randomBytes,
} from 'node:crypto';
import type { JWK } from 'jose';
import { newId } from './secrets.js';

/** A key as a `KeyObject`, a JWK, or PEM text (PKCS#8 private, SPKI public). */
export type KeyMaterial = KeyObject | JWK | string;

/** A shared secret (HS256): only this server (or servers sharing the secret) can verify. At least 32 bytes. */
export interface HmacSigningKey {
  kid: string;
  alg: 'HS256';
  secret: Uint8Array | string | KeyObject;
}

/** A P-256 private key (ES256): its public half is published by `jwks()`. */
export interface EcSigningKey {
  kid: string;
  alg: 'ES256';
  privateKey: KeyMaterial;
  publicKey?: undefined;
}

/** The public half of a retired ES256 key: verifies the tokens it signed until they expire, signs nothing. */
export interface EcVerificationKey {
  kid: string;
  alg: 'ES256';
  publicKey: KeyMaterial;
  privateKey?: undefined;
}

/**
 * A key of the service's key ring. The first key of `keys` signs; every key verifies tokens whose `kid`
 * names it. To rotate: put a new key first and keep the old one (or its public half) until the access
 * tokens it signed have expired (`accessTtl`), then drop it.
 */
export type SigningKey = HmacSigningKey | EcSigningKey | EcVerificationKey;

/** A JWK Set (RFC 7517 §5), as served at `/.well-known/jwks.json`. */
export interface JsonWebKeySet {
  keys: JWK[];
}

/** A key ready for jose. */
export interface KeyEntry {
  kid: string;
  alg: 'HS256' | 'ES256';
  signWith: KeyObject | undefined;
  verifyWith: KeyObject;
}

/** The normalised keys: the one that signs, a lookup by `kid`, and the public JWK Set. */
export interface KeyRing {
  signer: KeyEntry & { signWith: KeyObject };
  find(kid: string): KeyEntry | undefined;
  jwks(): JsonWebKeySet;
}

/**
 * A fresh key: ES256 (the default; publishable in a JWKS) or HS256. Keys live in memory only; to keep tokens
 * valid across restarts and processes, persist one (`key.privateKey.export({ format: 'jwk' })`, or the
 * secret's bytes) and pass it back in.
 */
export function generateSigningKey(alg: 'HS256', kid?: string): HmacSigningKey;
export function generateSigningKey(alg?: 'ES256', kid?: string): EcSigningKey;
export function generateSigningKey(alg: 'HS256' | 'ES256' = 'ES256', kid = newId()): SigningKey {
  if (alg === 'HS256') return { kid, alg, secret: createSecretKey(randomBytes(32)) };
  return { kid, alg, privateKey: generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey };
}

/** Validates and normalises `keys`; throws a `TypeError` naming the first problem. */
export function createKeyRing(keys: readonly SigningKey[]): KeyRing {
  if (keys.length === 0) throw new TypeError('keys: at least one signing key is required');
  const entries = new Map<string, KeyEntry>();
  const published: JWK[] = [];
  for (const key of keys) {
    if (typeof key.kid !== 'string' || key.kid === '') throw new TypeError('keys: every key needs a kid');
    if (entries.has(key.kid)) throw new TypeError(`keys: kid "${key.kid}" appears twice`);
    const entry = normalise(key);
    entries.set(key.kid, entry);
    if (entry.alg === 'ES256') {
      const jwk = entry.verifyWith.export({ format: 'jwk' }) as JWK;
      published.push({
        kty: jwk.kty,
        crv: jwk.crv,
        x: jwk.x,
        y: jwk.y,
        kid: key.kid,
        alg: 'ES256',
        use: 'sig',
      } as JWK);
    }
  }
  const signer = entries.get(keys[0]!.kid)!;
  if (!signer.signWith) throw new TypeError('keys: the first key signs, so it needs a private key or secret');
  const document = JSON.stringify({ keys: published });
  return {
    signer: signer as KeyEntry & { signWith: KeyObject },
    find: (kid) => entries.get(kid),
    jwks: () => JSON.parse(document) as JsonWebKeySet,
  };
}

function normalise(key: SigningKey): KeyEntry {
  if (key.alg === 'HS256') {
    const secret = isKeyObject(key.secret)
      ? key.secret
      : createSecretKey(typeof key.secret === 'string' ? Buffer.from(key.secret, 'utf8') : key.secret);
    if (secret.type !== 'secret' || (secret.symmetricKeySize ?? 0) < 32) {
      throw new TypeError(`keys: HS256 key "${key.kid}" needs a secret of at least 32 bytes`);
    }
    return { kid: key.kid, alg: 'HS256', signWith: secret, verifyWith: secret };
  }
  if (key.alg !== 'ES256')
    throw new TypeError(`keys: key "${(key as SigningKey).kid}": alg must be HS256 or ES256`);
  const privateKey = key.privateKey === undefined ? undefined : toKeyObject(key.privateKey, 'private');
  const publicKey = privateKey ? createPublicKey(privateKey) : toKeyObject(key.publicKey!, 'public');
  const details = publicKey.asymmetricKeyDetails;
  if (publicKey.asymmetricKeyType !== 'ec' || details?.namedCurve !== 'prime256v1') {
    throw new TypeError(`keys: ES256 key "${key.kid}" must be a P-256 EC key`);
  }
  return { kid: key.kid, alg: 'ES256', signWith: privateKey, verifyWith: publicKey };
}

function toKeyObject(material: KeyMaterial, type: 'private' | 'public'): KeyObject {
  if (isKeyObject(material)) {
    if (type === 'public' && material.type === 'private') return createPublicKey(material);
    if (material.type !== type) throw new TypeError(`keys: expected a ${type} key`);
    return material;
  }
  const create = type === 'private' ? createPrivateKey : createPublicKey;
  if (typeof material === 'string') return create(material);
  return create({ key: material as NodeJsonWebKey, format: 'jwk' });
}

const isKeyObject = (value: unknown): value is KeyObject =>
  typeof value === 'object' &&
  value !== null &&
  typeof (value as KeyObject).export === 'function' &&
  typeof (value as KeyObject).type === 'string';
