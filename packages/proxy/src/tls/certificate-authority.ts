import { webcrypto } from 'node:crypto';
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import { isIP } from 'node:net';
import { hostname as machineName } from 'node:os';
import { join } from 'node:path';
import { createSecureContext, type SecureContext } from 'node:tls';

const ALGORITHM = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' } as const;
const DAY = 86_400_000;
export const CA_CERT_FILE = 'expiryproof-ca.pem';
export const CA_KEY_FILE = 'expiryproof-ca.key.pem';

/**
 * The local certificate authority for `--mitm`: made once and kept in a folder, so a phone that trusts it
 * keeps trusting it across runs. Host certificates are made on demand, signed by it, and cached.
 */
export interface CertificateAuthority {
  /** The CA certificate (PEM), to install on devices. */
  readonly certificatePem: string;
  /** The same certificate in DER, which Android's installer prefers. */
  readonly certificateDer: Buffer;
  /** A TLS context presenting a certificate for `host` (a name or an IP address). */
  contextFor(host: string): Promise<SecureContext>;
  /** A key and certificate chain (PEM) for `host`, signed by this CA: for a local HTTPS server to test against. */
  issue(host: string): Promise<{ key: string; cert: string }>;
}

/** Loads the CA kept in `dir`, or makes one there (key readable by the owner only). */
export async function loadCertificateAuthority(dir: string): Promise<CertificateAuthority> {
  // @peculiar/x509 needs the Reflect metadata polyfill loaded first; loading both here keeps them off the
  // start-up path of proxies that never intercept TLS.
  await import('reflect-metadata');
  const x509 = await import('@peculiar/x509');
  x509.cryptoProvider.set(webcrypto as unknown as Crypto);
  const subtle = webcrypto.subtle;

  const kept = await readKept(dir);
  let caCert: InstanceType<typeof x509.X509Certificate>;
  let caKey: CryptoKey;
  if (kept) {
    caCert = new x509.X509Certificate(kept.cert);
    caKey = await subtle.importKey('pkcs8', x509.PemConverter.decodeFirst(kept.key), ALGORITHM, false, [
      'sign',
    ]);
  } else {
    const keys = await subtle.generateKey(ALGORITHM, true, ['sign', 'verify']);
    caCert = await x509.X509CertificateGenerator.createSelfSigned({
      name: `CN=expiryproof-proxy CA (${machineName()}), O=expiryproof, OU=local testing only`,
      keys,
      signingAlgorithm: ALGORITHM,
      notBefore: new Date(Date.now() - DAY),
      notAfter: new Date(Date.now() + 2 * 365 * DAY),
      extensions: [
        new x509.BasicConstraintsExtension(true, 0, true),
        new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
        await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
      ],
    });
    caKey = keys.privateKey;
    const keyPem = x509.PemConverter.encode(await subtle.exportKey('pkcs8', keys.privateKey), 'PRIVATE KEY');
    await mkdir(dir, { recursive: true, mode: 0o700 });
    await writeFile(join(dir, CA_KEY_FILE), keyPem, { mode: 0o600 });
    await chmod(join(dir, CA_KEY_FILE), 0o600);
    await writeFile(join(dir, CA_CERT_FILE), caCert.toString('pem'));
  }

  // One key for every host certificate: making a key per host would cost a key generation per new host.
  const hostKeys = await subtle.generateKey(ALGORITHM, true, ['sign', 'verify']);
  const hostKeyPem = x509.PemConverter.encode(
    await subtle.exportKey('pkcs8', hostKeys.privateKey),
    'PRIVATE KEY',
  );
  const authorityKeyId = await x509.AuthorityKeyIdentifierExtension.create(caCert.publicKey);
  const contexts = new Map<string, Promise<SecureContext>>();
  const caPem = caCert.toString('pem');

  async function issue(host: string): Promise<{ key: string; cert: string }> {
    const cert = await x509.X509CertificateGenerator.create({
      subject: `CN=${isIP(host) ? 'expiryproof-proxy' : host}`,
      issuer: caCert.subject,
      publicKey: hostKeys.publicKey,
      signingKey: caKey,
      signingAlgorithm: ALGORITHM,
      // Back-dated a day for phones whose clock is behind; short-lived, as platforms cap leaf lifetimes.
      notBefore: new Date(Date.now() - DAY),
      notAfter: new Date(Date.now() + 30 * DAY),
      extensions: [
        new x509.SubjectAlternativeNameExtension([{ type: isIP(host) ? 'ip' : 'dns', value: host }]),
        new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth]),
        new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
        new x509.BasicConstraintsExtension(false),
        authorityKeyId,
      ],
    });
    return { key: hostKeyPem, cert: `${cert.toString('pem')}\n${caPem}` };
  }

  return {
    certificatePem: caPem,
    certificateDer: Buffer.from(caCert.rawData),
    issue,
    contextFor(host) {
      const key = host.toLowerCase();
      let context = contexts.get(key);
      if (!context) {
        context = issue(key).then((pair) => createSecureContext(pair));
        contexts.set(key, context);
        context.catch(() => contexts.delete(key));
      }
      return context;
    },
  };
}

async function readKept(dir: string): Promise<{ cert: string; key: string } | undefined> {
  try {
    const [cert, key] = await Promise.all([
      readFile(join(dir, CA_CERT_FILE), 'utf8'),
      readFile(join(dir, CA_KEY_FILE), 'utf8'),
    ]);
    return { cert, key };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}
