// The plugin and the session/re-auth composables on a real session (no network needed: setTokens and clear
// change its status), in effect scopes and apps as Vue runs them.
import { createSession, type ReauthContext, type Session, type Tokens } from '@expiryproof/core';
import {
  createExpiryproof,
  createReauthController,
  ExpiryproofVueError,
  type ReauthController,
  useDraft,
  useReauth,
  useSession,
} from '@expiryproof/vue';
import { afterEach, describe, expect, it } from 'vitest';
import { createApp, effectScope, nextTick } from 'vue';

const TOKENS: Tokens = { accessToken: 'access-1', refreshToken: 'refresh-1' };
const sessions: Session[] = [];
afterEach(() => {
  for (const session of sessions.splice(0)) session.dispose();
});

function setup({ withReauth = true } = {}) {
  const reauth = createReauthController();
  const session = createSession({
    origins: ['https://api.example.com'],
    refresh: async () => TOKENS,
    reauthenticate: reauth.reauthenticate,
    crossTab: false,
  });
  sessions.push(session);
  const app = createApp({ render: () => null });
  app.use(createExpiryproof(session, withReauth ? { reauth } : {}));
  /** Runs `fn` as a component's setup would: with the app's injections, inside an effect scope. */
  const inScope = <T>(fn: () => T) => {
    const scope = effectScope();
    const value = app.runWithContext(() => scope.run(fn)) as T;
    return { value, scope };
  };
  return { session, reauth, inScope };
}

/** Asks the controller as the session would, and returns the pending answer and the abort handle. */
function ask(reauth: ReauthController, error: unknown = new Error('refresh rejected')) {
  const abort = new AbortController();
  const context: ReauthContext = { error, reason: 'refresh-rejected', signal: abort.signal };
  return { answer: reauth.reauthenticate(context), abort };
}

describe('outside the plugin', () => {
  it.each<[string, () => unknown]>([
    ['useSession', () => useSession()],
    ['useReauth', () => useReauth()],
  ])('%s throws a typed error that says what to do', (name, call) => {
    const scope = effectScope();
    const app = createApp({ render: () => null });
    let thrown: unknown;
    try {
      app.runWithContext(() => scope.run(call));
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(ExpiryproofVueError);
    expect((thrown as ExpiryproofVueError).code).toBe('no-plugin');
    expect((thrown as Error).message).toBe(
      `expiryproof: ${name}() needs app.use(createExpiryproof(session)) above it`,
    );
    scope.stop();
  });

  it('useReauth with a plugin that has no controller says which option is missing', () => {
    const { inScope } = setup({ withReauth: false });
    expect(() => inScope(() => useReauth())).toThrow(
      expect.objectContaining({ name: 'ExpiryproofVueError', code: 'no-reauth' }),
    );
  });

  it('useDraft needs no plugin', () => {
    const scope = effectScope();
    const [bio] = scope.run(() => useDraft('plugin-free', 'x', { storage: undefined }))!;
    expect(bio.value).toBe('x');
    scope.stop();
  });
});

describe('useSession', () => {
  it('follows the session status, and stops following when its scope is disposed', async () => {
    const { session, inScope } = setup();
    session.clear();
    const { value, scope } = inScope(() => useSession());
    expect(value.session).toBe(session);
    expect(value.status.value).toBe('signed-out');
    session.setTokens(TOKENS);
    expect(value.status.value).toBe('active');
    scope.stop();
    session.clear();
    await nextTick();
    // Disposed: no listener left on the session to update it.
    expect(value.status.value).toBe('active');
    expect(session.getStatus()).toBe('signed-out');
  });
});

describe('useReauth', () => {
  it('opens with the reason, keeps a failed attempt open, and resumes with the tokens of a good one', async () => {
    const { reauth, inScope } = setup();
    const { value: handle } = inScope(() => useReauth());
    expect(handle.open.value).toBe(false);
    const reason = new Error('refresh rejected');
    const { answer } = ask(reauth, reason);
    expect(handle.open.value).toBe(true);
    expect(handle.reason.value).toBe(reason);

    const wrong = new Error('wrong password');
    const attempt = handle.submit(async () => {
      throw wrong;
    });
    expect(handle.submitting.value).toBe(true);
    await attempt;
    expect(handle.submitting.value).toBe(false);
    expect(handle.failure.value).toBe(wrong);
    expect(handle.open.value).toBe(true);

    await handle.submit(async () => TOKENS);
    expect(await answer).toEqual(TOKENS);
    expect(handle.open.value).toBe(false);
    expect(handle.failure.value).toBeUndefined();
  });

  it('decline answers null; the next question starts without the last failure', async () => {
    const { reauth, inScope } = setup();
    const { value: handle } = inScope(() => useReauth());
    const first = ask(reauth);
    await handle.submit(async () => {
      throw new Error('wrong password');
    });
    expect(handle.failure.value).toBeInstanceOf(Error);
    handle.decline();
    expect(await first.answer).toBeNull();
    ask(reauth);
    expect(handle.open.value).toBe(true);
    expect(handle.failure.value).toBeUndefined();
  });

  it('closes when the session stops waiting (reauthTimeout or clear aborts the question)', async () => {
    const { reauth, inScope } = setup();
    const { value: handle } = inScope(() => useReauth());
    const { answer, abort } = ask(reauth);
    abort.abort();
    expect(await answer).toBeNull();
    expect(handle.open.value).toBe(false);
  });

  it('a second question answers the first with null instead of leaving it hanging', async () => {
    const { reauth } = setup();
    const first = ask(reauth);
    ask(reauth);
    expect(await first.answer).toBeNull();
    expect(reauth.getState().open).toBe(true);
  });

  it('unsubscribes from the controller when its scope is disposed', () => {
    const { reauth, inScope } = setup();
    const { value: handle, scope } = inScope(() => useReauth());
    scope.stop();
    ask(reauth);
    expect(reauth.getState().open).toBe(true);
    expect(handle.open.value).toBe(false);
  });
});

describe('no leaks', () => {
  /** The real session and controller, counting the listeners that are attached and not yet removed. */
  function counted() {
    const { session, reauth } = setup();
    const live = { session: 0, reauth: 0 };
    const track =
      <A extends unknown[]>(kind: keyof typeof live, subscribe: (...args: A) => () => void) =>
      (...args: A) => {
        const off = subscribe(...args);
        live[kind]++;
        return () => {
          live[kind]--;
          off();
        };
      };
    const countedSession: Session = { ...session, on: track('session', session.on) };
    const countedReauth: ReauthController = { ...reauth, subscribe: track('reauth', reauth.subscribe) };
    const app = createApp({ render: () => null });
    app.use(createExpiryproof(countedSession, { reauth: countedReauth }));
    return { app, live, session, reauth };
  }

  it('100 scopes that used every composable leave no listener on the session or the controller', () => {
    const { app, live } = counted();
    for (let i = 0; i < 100; i++) {
      const scope = effectScope();
      app.runWithContext(() =>
        scope.run(() => {
          useSession();
          useReauth();
          useDraft('leak', '', { storage: undefined });
        }),
      );
      expect(live).toEqual({ session: 1, reauth: 1 });
      scope.stop();
    }
    expect(live).toEqual({ session: 0, reauth: 0 });
  });
});
