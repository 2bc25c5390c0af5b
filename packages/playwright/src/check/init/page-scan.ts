import type { Page } from '@playwright/test';
import { STABLE_SELECTOR } from './selector-script.js';
import type { FormCandidate } from './types.js';

/*
 * What init reads from a page: the login form, the links to follow, the forms a journey could use, and the
 * elements that repeat. Each runs as one script in the page (see selector-script.ts for why a string).
 */

const run = <T>(page: Page, body: string): Promise<T> =>
  page.evaluate<T>(`(() => {\n${STABLE_SELECTOR}\n${body}\n})()`);

/** Words on a control that never save: a journey must not click them. */
const NOT_SAVE = String.raw`/\b(cancel|close|delete|remove|log\s*-?\s*out|sign\s*-?\s*out|back|reset|clear|search)\b/i`;

export interface LoginFormScan {
  user: string | null;
  password: string;
  submit: string | null;
}

/**
 * The first visible password field, its form (or the nearest ancestor that holds a button, for a form
 * without a <form>), the text or email input before the password in it, and the form's submit button.
 */
export function scanLoginForm(page: Page): Promise<LoginFormScan | null> {
  return run(
    page,
    String.raw`
const password = [...document.querySelectorAll('input[type=password]')].find(epVisible);
if (!password) return null;
let form = password.form || password.closest('form');
if (!form) {
  form = password.parentElement;
  while (form && form !== document.body && !form.querySelector('button, input[type=submit], [role=button]')) form = form.parentElement;
  form = form || document.body;
}
const textish = /^(text|email|tel|)$/;
const inputs = [...form.querySelectorAll('input')].filter((i) => epVisible(i) && textish.test((i.getAttribute('type') || '').toLowerCase()));
const before = inputs.filter((i) => i.compareDocumentPosition(password) & Node.DOCUMENT_POSITION_FOLLOWING);
const user = before[before.length - 1] || inputs[0] || null;
const buttons = [...form.querySelectorAll('button, input[type=submit], input[type=image], [role=button]')].filter(epVisible);
const submit =
  buttons.find((b) => (b.getAttribute('type') || '').toLowerCase() === 'submit') ||
  buttons.find((b) => b.tagName === 'BUTTON' && !b.getAttribute('type')) ||
  buttons.find((b) => /log\s*-?\s*in|sign\s*-?\s*in|continue|submit/i.test(epText(b))) ||
  null;
return { user: user ? epSelector(user) : null, password: epSelector(password), submit: submit ? epSelector(submit) : null };`,
  );
}

export interface LinkScan {
  /** Absolute URL (for a link) or undefined (for a button). */
  href: string | undefined;
  text: string;
  selector: string;
  /** Opens elsewhere (target=_blank): init follows it by URL instead of clicking. */
  newTab: boolean;
}

/** Links and buttons whose words say "log in" or "sign in". */
export function scanSignInLinks(page: Page): Promise<LinkScan[]> {
  return run(
    page,
    String.raw`
const words = /\b(log\s*-?\s*in|sign\s*-?\s*in)\b/i;
return [...document.querySelectorAll('a[href], button, [role=button]')]
  .filter((el) => epVisible(el) && words.test(epText(el)))
  .slice(0, 5)
  .map((el) => ({ href: el.href || undefined, text: epText(el).slice(0, 60), selector: epSelector(el), newTab: el.target === '_blank' }));`,
  );
}

/** The first visible link or button whose words say "log out" or "sign out" (init never clicks it). */
export function scanSignOut(page: Page): Promise<string | null> {
  return run(
    page,
    String.raw`
const words = /\b(log\s*-?\s*out|sign\s*-?\s*out)\b/i;
const control = [...document.querySelectorAll('a[href], button, [role=button], [role=menuitem]')].find((el) => epVisible(el) && words.test(epText(el)));
return control ? epSelector(control) : null;`,
  );
}

/** The navigation's links (nav, header, aside, role=navigation), or every link when the page has none. */
export function scanNavLinks(page: Page): Promise<LinkScan[]> {
  return run(
    page,
    `
let links = [...document.querySelectorAll('nav a[href], header a[href], aside a[href], [role=navigation] a[href]')].filter(epVisible);
if (!links.length) links = [...document.querySelectorAll('a[href]')].filter(epVisible);
return links.slice(0, 60).map((a) => ({ href: a.href, text: epText(a).slice(0, 60), selector: epSelector(a), newTab: a.target === '_blank' }));`,
  );
}

/**
 * Inputs a journey could change, each with the control that saves it: in a <form>, its submit button; outside
 * one, the nearest button after the input (not one that cancels or deletes). One candidate per form or save
 * button, the best input of it (a textarea, then a text input, then a select). Login and search forms are
 * left out: they save nothing.
 */
export function scanForms(page: Page): Promise<FormCandidate[]> {
  return run(
    page,
    `
const NOT_SAVE = ${NOT_SAVE};
const TEXT = /^(text|email|url|tel|number|)$/;
const kindOf = (el) => el.tagName === 'TEXTAREA' ? 'textarea' : el.tagName === 'SELECT' ? 'select' : el.tagName === 'INPUT' ? (el.getAttribute('type') || 'text').toLowerCase() : 'contenteditable';
const isInput = (el) => el.tagName === 'TEXTAREA' || el.tagName === 'SELECT' || (el.tagName === 'INPUT' ? TEXT.test((el.getAttribute('type') || '').toLowerCase()) : el.isContentEditable);
const rank = (kind) => (kind === 'textarea' ? 0 : kind === 'select' ? 2 : kind === 'contenteditable' ? 3 : 1);
const labelOf = (el) => {
  const byFor = el.id ? document.querySelector('label[for="' + CSS.escape(el.id) + '"]') : null;
  const text = byFor ? epText(byFor) : el.closest('label') ? epText(el.closest('label')) : '';
  return (text || el.getAttribute('aria-label') || el.getAttribute('placeholder') || el.getAttribute('name') || el.id || kindOf(el)).slice(0, 60);
};
const BUTTON = 'button, input[type=submit], input[type=button], [role=button]';
const groups = new Map();
for (const el of document.querySelectorAll('input, textarea, select, [contenteditable]')) {
  if (!isInput(el) || !epVisible(el) || el.disabled || el.readOnly) continue;
  const form = el.form || el.closest('form');
  if (form && (form.querySelector('input[type=password]') || form.getAttribute('role') === 'search')) continue;
  if (el.closest('[role=search]') || /search/i.test(el.getAttribute('name') || '')) continue;
  let save = null;
  if (form) {
    const buttons = [...form.querySelectorAll(BUTTON)].filter(epVisible);
    save = buttons.find((b) => (b.getAttribute('type') || '').toLowerCase() === 'submit') || buttons.find((b) => b.tagName === 'BUTTON' && !b.getAttribute('type')) || null;
  } else {
    let scope = el.parentElement;
    for (let depth = 0; scope && depth < 5 && !save; depth++, scope = scope.parentElement) {
      save = [...scope.querySelectorAll(BUTTON)].find((b) => epVisible(b) && (el.compareDocumentPosition(b) & Node.DOCUMENT_POSITION_FOLLOWING) && !NOT_SAVE.test(epText(b))) || null;
    }
  }
  if (!save) continue;
  const key = form || save;
  const kind = kindOf(el);
  const known = groups.get(key);
  if (known && rank(known.kind) <= rank(kind)) continue;
  let action;
  const raw = form ? form.getAttribute('action') : null;
  if (raw && raw !== '#' && !/^javascript:/i.test(raw)) action = new URL(raw, location.href).href;
  groups.set(key, { input: epSelector(el), kind, label: labelOf(el), save: epSelector(save), action });
}
return [...groups.values()];`,
  );
}

/**
 * Selectors of elements that repeat (`[data-panel]`, `.card`, `[data-panel].loaded`) → how many match, for
 * guessing what marks each part of a page that loads several things at once.
 */
export function scanParts(page: Page): Promise<Record<string, number>> {
  return run(
    page,
    String.raw`
const counts = {};
const add = (key) => { counts[key] = (counts[key] || 0) + 1; };
const plain = (c) => /^[A-Za-z_][\w-]*$/.test(c);
for (const el of document.body.querySelectorAll('*')) {
  const data = [...el.attributes].map((a) => a.name).filter((n) => n.startsWith('data-') && !/^data-(v-|reactid|react|testid$)/.test(n));
  const classes = [...el.classList].filter(plain);
  for (const d of data) { add('[' + d + ']'); for (const c of classes) add('[' + d + '].' + c); }
  for (const c of classes) add('.' + c);
}
const kept = {};
for (const [key, n] of Object.entries(counts)) if (n >= 2 && n <= 50) kept[key] = n;
return kept;`,
  );
}
