/**
 * Bodies fetch can send again as they are: strings, URLSearchParams, FormData, Blob, ArrayBuffer
 * and views. A stream (or async iterable) is one-shot, so it is read into memory once before the first
 * send; sending it unread would make a replay go out empty.
 */
export function isOneShot(body: unknown): body is ReadableStream<Uint8Array> | AsyncIterable<Uint8Array> {
  if (body === null || typeof body !== 'object') return false;
  return typeof (body as ReadableStream).getReader === 'function' || Symbol.asyncIterator in body;
}

export async function bufferBody(
  body: ReadableStream<Uint8Array> | AsyncIterable<Uint8Array>,
): Promise<Uint8Array<ArrayBuffer>> {
  const chunks: Uint8Array[] = [];
  let size = 0;
  const iterable: AsyncIterable<Uint8Array> =
    typeof (body as ReadableStream).getReader === 'function'
      ? streamChunks(body as ReadableStream<Uint8Array>)
      : (body as AsyncIterable<Uint8Array>);
  for await (const chunk of iterable) {
    const bytes = typeof chunk === 'string' ? new TextEncoder().encode(chunk) : chunk;
    chunks.push(bytes);
    size += bytes.byteLength;
  }
  const out = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    out.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return out;
}

async function* streamChunks(stream: ReadableStream<Uint8Array>): AsyncIterable<Uint8Array> {
  const reader = stream.getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      yield value;
    }
  } finally {
    reader.releaseLock();
  }
}
