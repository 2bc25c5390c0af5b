/** The DOM helpers both zoo clients (main.ts and tabs.ts, each bundled on its own by server/bundle.ts) build pages with. */
import { ZOO_USER } from '../types.js';

export function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attributes: Record<string, string> = {},
  text?: string,
): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) node.setAttribute(name, value);
  if (text !== undefined) node.textContent = text;
  return node;
}

/** What the person typed into the sign-in form. */
export interface SignInFields {
  email: FormDataEntryValue | null;
  password: FormDataEntryValue | null;
}

/**
 * The sign-in form (email, password, Sign in). On submit, `signIn` is called with what was typed; an error it
 * throws is shown under the form as "Sign-in failed: …" (in words of `describe`).
 */
export function signInForm(
  signIn: (fields: SignInFields) => Promise<void>,
  describe: (error: unknown) => string,
): HTMLFormElement {
  const form = el('form');
  const message = el('div', { id: 'message' });
  form.append(
    el('h1', {}, 'Sign in'),
    el('label', {}, 'Email '),
    el('input', { name: 'email', type: 'email', autocomplete: 'username', placeholder: ZOO_USER.email }),
    el('label', {}, ' Password '),
    el('input', { name: 'password', type: 'password', autocomplete: 'current-password' }),
    el('button', { type: 'submit' }, 'Sign in'),
    message,
  );
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const data = new FormData(form);
    try {
      await signIn({ email: data.get('email'), password: data.get('password') });
    } catch (error) {
      message.replaceChildren(el('p', { class: 'error' }, `Sign-in failed: ${describe(error)}`));
    }
  });
  return form;
}
