import { type HttpAnswer, invalidRequest } from './semantics.js';

export type JsonBody = { ok: true; value: unknown } | { ok: false; answer: HttpAnswer };

const JSON_TYPE = /^application\/(?:[\w.+-]+\+)?json\s*(?:;|$)/i;

/**
 * Reads a JSON body of at most `limit` bytes. Only `application/json` (or `+json`) is read: an HTML form or a
 * `text/plain` fetch from another site cannot reach the endpoint without a CORS preflight.
 */
export async function readJsonBody(request: Request, limit: number): Promise<JsonBody> {
  if (!JSON_TYPE.test(request.headers.get('content-type') ?? '')) {
    return { ok: false, answer: invalidRequest('The body must be application/json', 415) };
  }
  const declared = Number(request.headers.get('content-length') ?? '0');
  if (declared > limit) return { ok: false, answer: invalidRequest('The body is too large', 413) };
  const text = await readText(request, limit);
  if (text === undefined) return { ok: false, answer: invalidRequest('The body is too large', 413) };
  if (text.trim() === '') return { ok: true, value: undefined };
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch {
    return { ok: false, answer: invalidRequest('The body is not valid JSON') };
  }
}

/** The body as text, or `undefined` once it passes `limit` bytes (the rest is not read). */
async function readText(request: Request, limit: number): Promise<string | undefined> {
  if (!request.body) return '';
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel().catch(() => {});
      return undefined;
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** A string property of a parsed JSON object, or `undefined`. */
export function stringField(value: unknown, name: string): string | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  const field = (value as Record<string, unknown>)[name];
  return typeof field === 'string' ? field : undefined;
}

/**
 * The `Idempotency-Key` header (draft-ietf-httpapi-idempotency-key: a structured-field string; a bare value
 * is accepted too). `undefined` when absent; `null` when present but not 1–255 visible ASCII characters.
 */
export function readIdempotencyKey(headers: Headers): string | undefined | null {
  const raw = headers.get('idempotency-key');
  if (raw === null) return undefined;
  let key = raw.trim();
  if (key.length >= 2 && key.startsWith('"') && key.endsWith('"')) key = key.slice(1, -1);
  return /^[\x21-\x7e]{1,255}$/.test(key) ? key : null;
}
