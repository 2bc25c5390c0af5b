/**
 * Bodies fetch can send again as they are: strings, URLSearchParams, FormData, Blob, ArrayBuffer
 * and views. A stream (or, in Node, an async iterable) is one-shot, so it is read into memory once before
 * the first send; sending it unread would make a replay go out empty.
 */
export function isOneShot(body: unknown): body is ReadableStream<Uint8Array> {
  return typeof body === 'object' && body !== null && ('getReader' in body || Symbol.asyncIterator in body);
}

export const bufferBody = (body: ReadableStream<Uint8Array>): Promise<ArrayBuffer> =>
  new Response(body).arrayBuffer();
