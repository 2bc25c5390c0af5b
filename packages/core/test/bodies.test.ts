import { describe, expect, it } from 'vitest';
import { type Echo, normalizeEcho, sessionFor, useAuthServer } from './helpers.js';

const ctx = useAuthServer();

const bytes = new Uint8Array([0, 1, 2, 250, 251, 252, 10, 13]);
const streamOf = (...chunks: string[]) =>
  new ReadableStream<Uint8Array>({
    start(controller) {
      for (const chunk of chunks) controller.enqueue(new TextEncoder().encode(chunk));
      controller.close();
    },
  });

/** Sends once without expiry (the reference) and once through a 401 + replay, and compares what the server got. */
async function replayMatches(makeInit: () => RequestInit, viaRequest = false) {
  const { session } = sessionFor(ctx.server, ctx.tokens);
  const url = `${ctx.server.origin}/api/echo`;
  const send = () =>
    viaRequest
      ? session.fetch(new Request(url, { method: 'POST', ...makeInit() }))
      : session.fetch(url, { method: 'POST', ...makeInit() });
  const reference = (await (await send()).json()) as Echo;
  ctx.server.expireAccessTokens();
  const replayedRes = await send();
  expect(replayedRes.status).toBe(200);
  const replayed = (await replayedRes.json()) as Echo;
  expect(ctx.server.sent('/api/echo').map((s) => s.status)).toEqual([200, 401, 200]);
  expect(normalizeEcho(replayed)).toEqual(normalizeEcho(reference));
  expect(replayed.length).toBeGreaterThan(0);
  return replayed;
}

describe('request bodies replay byte for byte', () => {
  it('string', () => replayMatches(() => ({ body: 'plain text body' })));
  it('JSON', () =>
    replayMatches(() => ({
      body: JSON.stringify({ bio: 'unsaved ✍️ input' }),
      headers: { 'content-type': 'application/json' },
    })));
  it('URLSearchParams', () =>
    replayMatches(() => ({ body: new URLSearchParams({ a: '1', b: 'two words' }) })));
  it('FormData', () =>
    replayMatches(() => {
      const form = new FormData();
      form.set('bio', 'hello');
      form.set('file', new Blob([bytes], { type: 'application/octet-stream' }), 'f.bin');
      return { body: form };
    }));
  it('Blob', () => replayMatches(() => ({ body: new Blob([bytes], { type: 'application/x-test' }) })));
  it('ArrayBuffer', () => replayMatches(() => ({ body: bytes.slice().buffer })));
  it('Uint8Array', () => replayMatches(() => ({ body: bytes.slice() })));
  it('ReadableStream (one-shot: buffered before the first send)', async () => {
    const echo = await replayMatches(
      () => ({ body: streamOf('chunk-1|', 'chunk-2'), duplex: 'half' }) as RequestInit,
    );
    expect(Buffer.from(echo.base64, 'base64').toString()).toBe('chunk-1|chunk-2');
  });
  it('a Request object with a body', () =>
    replayMatches(() => ({ body: JSON.stringify({ via: 'Request' }) }), true));
  it('a Request object with a stream body', async () => {
    const echo = await replayMatches(
      () => ({ body: streamOf('streamed ', 'request'), duplex: 'half' }) as RequestInit,
      true,
    );
    expect(Buffer.from(echo.base64, 'base64').toString()).toBe('streamed request');
  });
});
