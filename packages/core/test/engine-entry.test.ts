import { fileURLToPath } from 'node:url';
import { createSession as createPageSession } from '@expiryproof/core';
import {
  ConfigurationError,
  createSession,
  type Session,
  SessionExpiredError,
} from '@expiryproof/core/engine';
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';
import { refreshAt, useAuthServer } from './helpers.js';

const ctx = useAuthServer();

/** What a bundler ships for an entry: every module the entry pulls in, minified. */
async function bundle(entry: string): Promise<string> {
  const result = await build({
    entryPoints: [fileURLToPath(new URL(`../src/${entry}`, import.meta.url))],
    bundle: true,
    minify: true,
    format: 'esm',
    platform: 'browser',
    write: false,
    logLevel: 'silent',
  });
  return result.outputFiles[0]!.text;
}

describe('@expiryproof/core/engine: the session without the page integration', () => {
  it('runs the same request cycle: an expired token is refreshed once and the requests replayed', async () => {
    const session = createSession({
      tokens: ctx.tokens,
      origins: [ctx.server.origin],
      refresh: refreshAt(ctx.server.origin),
    });
    ctx.server.expireAccessTokens();
    const results = await Promise.all(
      [1, 2, 3].map((n) => session.fetch(`${ctx.server.origin}/api/panel${n}`)),
    );
    expect(results.map((r) => r.status)).toEqual([200, 200, 200]);
    expect(ctx.server.stats()).toMatchObject({ refreshCalls: 1, reuseDetected: 0 });
    session.clear();
    await expect(session.refresh()).rejects.toSatisfy(SessionExpiredError.is);
  });

  it('in a page, the default entry joins its sibling tabs unasked; the engine never does', async () => {
    // Just enough of a page for the default entry to see one: it then turns cross-tab and renewal on.
    Object.assign(globalThis, {
      document: Object.assign(new EventTarget(), { visibilityState: 'visible' }),
      window: new EventTarget(),
    });
    const options = () => ({
      tokens: ctx.tokens,
      origins: [ctx.server.origin],
      refresh: refreshAt(ctx.server.origin),
    });
    const sessions: Session[] = [];
    try {
      const engine = [1, 2].map(() => createSession(options()));
      const tabs = [1, 2].map(() => createPageSession(options()));
      sessions.push(...engine, ...tabs);
      engine[0]!.clear();
      tabs[0]!.clear();
      // Once the default entry's logout has crossed over, the engine's would have too, had it been sent.
      await expect.poll(() => tabs[1]!.getStatus()).toBe('signed-out');
      expect(engine[1]!.getStatus()).toBe('active');
    } finally {
      // Closes the channels and stops the wake timer even when an expectation failed.
      for (const session of sessions) session.dispose();
      Reflect.deleteProperty(globalThis, 'document');
      Reflect.deleteProperty(globalThis, 'window');
    }
  });

  it('refuses the page options instead of silently ignoring them', () => {
    const options = { origins: [ctx.server.origin], refresh: refreshAt(ctx.server.origin) };
    for (const pageOnly of [{ crossTab: true }, { renewOn: {} }]) {
      expect(() => createSession({ ...options, ...pageOnly } as never)).toThrow(ConfigurationError);
    }
    expect(() => createSession({ ...options, crossTab: false } as never)).not.toThrow();
  });

  it('ships none of the page integration, while the default entry does', async () => {
    const engine = await bundle('engine.ts');
    const page = await bundle('index.ts');
    for (const pageOnly of ['BroadcastChannel', 'visibilitychange', '"online"']) {
      expect(page.includes(pageOnly), `default entry has ${pageOnly}`).toBe(true);
      expect(engine.includes(pageOnly), `engine entry has ${pageOnly}`).toBe(false);
    }
  });
});
