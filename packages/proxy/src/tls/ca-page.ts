import type { IncomingMessage, ServerResponse } from 'node:http';
import type { CertificateAuthority } from './certificate-authority.js';

/** The host a device behind the proxy can open to get the CA, like mitmproxy's mitm.it. */
export const CA_HOST = 'expiryproof.proxy';

/**
 * Serves the CA certificate and how to install it: `/` (instructions), `/ca.pem`, `/ca.crt` (DER).
 * @returns whether the path was one of these
 */
export function serveCaPage(
  req: IncomingMessage,
  res: ServerResponse,
  ca: CertificateAuthority | undefined,
): boolean {
  const path = (req.url ?? '/').split('?')[0];
  if (path === '/ca.pem' && ca) {
    send(res, 200, 'application/x-pem-file', ca.certificatePem, 'expiryproof-ca.pem');
    return true;
  }
  if (path === '/ca.crt' && ca) {
    send(res, 200, 'application/x-x509-ca-cert', ca.certificateDer, 'expiryproof-ca.crt');
    return true;
  }
  if (path !== '/') return false;
  send(res, 200, 'text/html; charset=utf-8', ca ? INSTRUCTIONS : NO_MITM);
  return true;
}

function send(res: ServerResponse, status: number, type: string, body: string | Buffer, filename?: string) {
  res.writeHead(status, {
    'content-type': type,
    'content-length': String(Buffer.byteLength(body)),
    'cache-control': 'no-store',
    ...(filename ? { 'content-disposition': `attachment; filename="${filename}"` } : {}),
  });
  res.end(body);
}

const PAGE = (body: string) => `<!doctype html>
<html lang="en"><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>expiryproof-proxy</title>
<style>body{font:16px/1.5 system-ui,sans-serif;max-width:40rem;margin:2rem auto;padding:0 1rem}a.button{display:inline-block;padding:.6rem 1rem;margin:.2rem 0;border-radius:.4rem;background:#1d4ed8;color:#fff;text-decoration:none}code{background:#f1f5f9;padding:0 .2rem}</style>
<h1>expiryproof-proxy</h1>
${body}
</html>`;

const INSTRUCTIONS =
  PAGE(`<p>This device reaches the internet through expiryproof-proxy. To let it test HTTPS apps, trust the
proxy's certificate authority (made on the tester's computer; it never leaves it). <strong>Remove it when you are
done testing.</strong></p>
<p><a class="button" href="/ca.pem">Download for iOS / macOS / desktop (PEM)</a><br>
<a class="button" href="/ca.crt">Download for Android (CRT)</a></p>
<h2>iPhone / iPad</h2>
<ol><li>Open this page in Safari and download the PEM; allow the configuration profile.</li>
<li>Settings → General → VPN &amp; Device Management → the expiryproof profile → Install.</li>
<li>Settings → General → About → Certificate Trust Settings → turn on full trust for "expiryproof-proxy CA".</li></ol>
<h2>Android</h2>
<ol><li>Download the CRT.</li>
<li>Settings → Security → Encryption &amp; credentials → Install a certificate → CA certificate.</li>
<li>Apps only trust user CAs when their network security config allows it (debug builds usually do:
<code>&lt;certificates src="user" /&gt;</code> under <code>debug-overrides</code>).</li></ol>
<h2>Desktop browsers</h2>
<p>Import the PEM as a trusted authority in the browser's or the system's certificate settings.</p>`);

const NO_MITM =
  PAGE(`<p>This proxy does not intercept HTTPS (it was started without <code>--mitm</code>), so no
certificate needs installing. HTTP and HTTPS traffic passes; rules apply to plain HTTP and reverse-proxied requests.</p>`);
