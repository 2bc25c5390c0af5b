/** A body that can be read only once: a Node stream or a web ReadableStream. */
export function isOneShot(data: unknown): boolean {
  const body = data as { pipe?: unknown; getReader?: unknown } | null;
  return typeof body?.pipe === 'function' || typeof body?.getReader === 'function';
}
