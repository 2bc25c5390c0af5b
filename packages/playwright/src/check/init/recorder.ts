import type { BrowserContext, Dialog, Page } from '@playwright/test';
import { STABLE_SELECTOR } from './selector-script.js';

/** What the person did, as the page reported it (values typed are never reported, only where). */
export type RecorderEvent =
  | { type: 'input'; selector: string; label: string; path: string; at: number }
  | { type: 'click'; selector: string; link: boolean; path: string; at: number }
  | { type: 'appeared'; selector: string | null; text: string; path: string; at: number }
  | { type: 'dialog'; text: string; path: string; at: number };

const BINDING = '__expiryproofRecord';

/**
 * Runs in every page of the context: reports which field the person changed, which control they clicked
 * (or submitted with Enter), and what appeared in the few seconds after a click — a message, a toast, a
 * changed status — with a selector for it when it has one worth keeping.
 */
const RECORDER_SCRIPT = String.raw`(() => {
if (window.__expiryproofRecorder) return;
window.__expiryproofRecorder = true;
${STABLE_SELECTOR}
const send = (event) => {
  try { window.${BINDING}(Object.assign({ at: Date.now(), path: location.pathname + location.search }, event)); } catch (e) {}
};
const labelOf = (el) => {
  const byFor = el.id ? document.querySelector('label[for="' + CSS.escape(el.id) + '"]') : null;
  const text = byFor ? epText(byFor) : el.closest('label') ? epText(el.closest('label')) : '';
  return (text || el.getAttribute('aria-label') || el.getAttribute('placeholder') || el.getAttribute('name') || el.id || el.tagName.toLowerCase()).slice(0, 60);
};
const onInput = (event) => {
  const el = event.target && event.target.closest ? event.target.closest('input, textarea, select, [contenteditable]') : null;
  if (!el || (el.getAttribute('type') || '').toLowerCase() === 'password') return;
  send({ type: 'input', selector: epSelector(el), label: labelOf(el) });
};
document.addEventListener('input', onInput, true);
document.addEventListener('change', onInput, true);
let watchUntil = 0;
const CONTROL = 'button, [role=button], input[type=submit], input[type=button], a[href], summary';
document.addEventListener('click', (event) => {
  const el = event.target && event.target.closest ? event.target.closest(CONTROL) : null;
  if (!el) return;
  watchUntil = Date.now() + 6000;
  send({ type: 'click', selector: epSelector(el), link: el.tagName === 'A' });
}, true);
document.addEventListener('submit', (event) => {
  // Enter in a field submits without a click: the form's submit button stands for it.
  if (event.submitter) return;
  const form = event.target;
  const button = form.querySelector('button[type=submit], input[type=submit], button:not([type])');
  watchUntil = Date.now() + 6000;
  send({ type: 'click', selector: epSelector(button || form), link: false });
}, true);
const SUCCESSISH = /success|saved|toast|alert|notice|message|flash|status|snackbar|notification|confirm/i;
const signal = (el) => {
  const role = el.getAttribute('role');
  if (role === 'status' || role === 'alert') return '[role=' + role + ']';
  const classes = [...el.classList].filter((c) => /^[A-Za-z_][\w-]*$/.test(c));
  const telling = classes.find((c) => SUCCESSISH.test(c));
  if (telling) return '.' + telling;
  if (el.id && !/\d{3,}|:/.test(el.id)) return '#' + CSS.escape(el.id);
  return classes.length ? '.' + classes[0] : null;
};
const report = (el) => {
  if (!el || el.nodeType !== 1 || !epVisible(el)) return;
  const text = epText(el).slice(0, 80);
  if (text) send({ type: 'appeared', selector: signal(el), text });
};
new MutationObserver((records) => {
  if (Date.now() > watchUntil) return;
  for (const record of records) {
    if (record.type === 'childList') for (const node of record.addedNodes) report(node.nodeType === 1 ? node : node.parentElement);
    else if (record.type === 'characterData') report(record.target.parentElement);
    else report(record.target);
  }
}).observe(document, { childList: true, subtree: true, characterData: true, attributes: true, attributeFilter: ['class', 'hidden'] });
})();`;

export interface Recorder {
  readonly events: readonly RecorderEvent[];
}

/**
 * Installs the recorder in every page of the context (before any page opens, so none is missed), and
 * notes every dialog. `answerDialogs`: accept them (when no person is there to), else leave them to the person.
 */
export async function startRecorder(context: BrowserContext, answerDialogs: boolean): Promise<Recorder> {
  const events: RecorderEvent[] = [];
  await context.exposeBinding(BINDING, (_source, event: unknown) => {
    if (isEvent(event)) events.push(event);
  });
  await context.addInitScript(RECORDER_SCRIPT);
  const onDialog = (dialog: Dialog) => {
    const page = dialog.page();
    const path = page ? new URL(page.url()).pathname : '';
    events.push({ type: 'dialog', text: dialog.message().slice(0, 80), path, at: Date.now() });
    if (answerDialogs) void dialog.accept().catch(() => {});
  };
  const watchPage = (page: Page) => page.on('dialog', onDialog);
  context.pages().forEach(watchPage);
  context.on('page', watchPage);
  return { events };
}

function isEvent(value: unknown): value is RecorderEvent {
  if (typeof value !== 'object' || value === null) return false;
  const event = value as Record<string, unknown>;
  if (typeof event.at !== 'number' || typeof event.path !== 'string') return false;
  if (event.type === 'input') return typeof event.selector === 'string' && typeof event.label === 'string';
  if (event.type === 'click') return typeof event.selector === 'string' && typeof event.link === 'boolean';
  if (event.type === 'appeared')
    return typeof event.text === 'string' && (event.selector === null || typeof event.selector === 'string');
  return false;
}
