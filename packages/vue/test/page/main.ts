// The page the browser spec drives: a Vue app wired as the README says (plugin, useSession, useReauth, useDraft),
// render functions only, talking to the real auth server through the same origin. Plus a naive ofetch client
// (the tutorials' refresh interceptor) as the negative control.
import { createSession, HttpStatusError, type Tokens } from '@expiryproof/core';
import { createExpiryproof, createReauthController, useDraft, useReauth, useSession } from '@expiryproof/vue';
import { ofetch } from 'ofetch';
import { createApp, defineComponent, h, ref, watch, withModifiers } from 'vue';

const STORM = 20;
const other = new URLSearchParams(location.search).get('other') ?? '';

async function login(password: string): Promise<Tokens> {
  const res = await fetch('/auth/login', {
    method: 'POST',
    body: JSON.stringify({ email: 'demo@example.com', password }),
  });
  if (!res.ok) throw new HttpStatusError(res.status);
  return (await res.json()) as Tokens;
}

const reauth = createReauthController();
const session = createSession({
  // origins: the default, this page's own origin.
  refresh: async ({ refreshToken, fetch, signal, idempotencyKey }) => {
    const res = await fetch('/auth/refresh', {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'idempotency-key': idempotencyKey },
      body: JSON.stringify({ refreshToken }),
      signal,
    });
    if (!res.ok) throw new HttpStatusError(res.status);
    return (await res.json()) as Tokens;
  },
  reauthenticate: reauth.reauthenticate,
});

const output = (id: string, text: string) => h('output', { 'data-testid': id }, text);
const button = (label: string, onClick: () => unknown) => h('button', { type: 'button', onClick }, label);

const Status = defineComponent(() => {
  const { status } = useSession();
  const seen = ref([status.value]);
  // Sync: every transition is recorded, also one that a render would coalesce.
  watch(status, (next) => seen.value.push(next), { flush: 'sync' });
  return () => h('p', [output('status', status.value), ' ', output('history', seen.value.join(','))]);
});

const Profile = defineComponent(() => {
  const { session } = useSession();
  const [bio, draft] = useDraft('profile.bio', '', { validate: (v): v is string => typeof v === 'string' });
  const result = ref('');
  async function save() {
    try {
      const res = await session.fetch('/api/echo', {
        method: 'POST',
        body: JSON.stringify({ bio: bio.value }),
      });
      const echo = (await res.json()) as { base64?: string };
      if (!res.ok || echo.base64 === undefined) throw new HttpStatusError(res.status);
      draft.saved();
      result.value = `saved ${new TextDecoder().decode(Uint8Array.from(atob(echo.base64), (c) => c.charCodeAt(0)))}`;
    } catch (error) {
      result.value = `failed ${(error as Error).name}`;
    }
  }
  return () =>
    h('section', [
      h('textarea', {
        'aria-label': 'bio',
        value: bio.value,
        onInput: (event: Event) => (bio.value = (event.target as HTMLTextAreaElement).value),
      }),
      output('draft', `${draft.dirty ? 'dirty' : 'clean'} ${draft.restored ? 'restored' : 'fresh'}`),
      button('Save', save),
      output('result', result.value),
    ]);
});

/** The dialog the README describes: markup of the app's own, state from useReauth. */
const ReauthDialog = defineComponent(() => {
  const { open, failure, submitting, submit, decline } = useReauth();
  const password = ref('');
  return () =>
    open.value &&
    h('div', { role: 'dialog', 'aria-modal': 'true', 'aria-label': 'Sign in again' }, [
      h('form', { onSubmit: withModifiers(() => submit(() => login(password.value)), ['prevent']) }, [
        h('input', {
          type: 'password',
          'aria-label': 'Password',
          value: password.value,
          onInput: (e: Event) => (password.value = (e.target as HTMLInputElement).value),
        }),
        failure.value !== undefined && h('p', { role: 'alert' }, 'That did not work.'),
        h('button', { type: 'submit', disabled: submitting.value }, 'Sign in'),
        button('Cancel', decline),
      ]),
    ]);
});

/** Requests fired at once from the page: the session's, and the naive client's. */
const Storms = defineComponent(() => {
  const { session } = useSession();
  const [storm, naive, elsewhere] = [ref(''), ref(''), ref('')];
  const hand = { access: '', refresh: '' };
  const api = ofetch.create({
    retry: 1,
    retryStatusCodes: [401],
    onRequest: ({ options }) => void options.headers.set('authorization', `Bearer ${hand.access}`),
    onResponseError: async ({ response }) => {
      if (response.status !== 401) return;
      const next = await ofetch<Tokens>('/auth/refresh', {
        method: 'POST',
        body: { refreshToken: hand.refresh },
      });
      hand.access = next.accessToken;
      hand.refresh = next.refreshToken ?? '';
    },
  });
  const count = async (run: (i: number) => Promise<unknown>) => {
    const settled = await Promise.allSettled(Array.from({ length: STORM }, (_, i) => run(i)));
    return `${settled.filter((s) => s.status === 'fulfilled').length}/${STORM}`;
  };
  return () =>
    h('section', [
      button('Storm', async () => {
        storm.value = await count(async (i) => {
          const res = await session.fetch(`/api/data?i=${i}`);
          if (!res.ok) throw new HttpStatusError(res.status);
        });
      }),
      output('storm', storm.value),
      button('Naive sign in', async () => {
        const tokens = await login('demo-password');
        [hand.access, hand.refresh] = [tokens.accessToken, tokens.refreshToken ?? ''];
        naive.value = 'signed in';
      }),
      button('Naive storm', async () => (naive.value = await count((i) => api(`/api/data?i=${i}`)))),
      output('naive', naive.value),
      button('Call other origin', async () => {
        const res = await session.fetch(`${other}/api/data`);
        elsewhere.value = `${res.status}`;
      }),
      output('other', elsewhere.value),
    ]);
});

const App = defineComponent(() => () => [
  button('Sign in', async () => session.setTokens(await login('demo-password'))),
  h(Status),
  h(Profile),
  h(ReauthDialog),
  h(Storms),
]);

createApp(App).use(createExpiryproof(session, { reauth })).mount('#app');
