/*
 * In-page helpers, as source text: page.evaluate and addInitScript take them as strings, because a
 * transpiler may wrap functions in helpers (`__name`) that the page does not have. Every script that needs a
 * selector for an element inlines `STABLE_SELECTOR` and calls `epSelector(element)`.
 */

/**
 * `epSelector(el)`: a selector a person can read and that survives a rebuild of the app, most stable first:
 * an id that does not look generated, data-testid (and its cousins), name, aria-label, the type of a lone
 * input or button, a link's href (inside its nav when it has one), a button's text; then one of those scoped
 * to an ancestor that has a stable selector (a form, a dialog, a landmark); a CSS path as the last resort.
 * Each is checked to match only this element on the page as it is now.
 */
export const STABLE_SELECTOR = String.raw`
const epVisible = (el) => !!(el.offsetWidth || el.offsetHeight || el.getClientRects().length);
const epText = (el) => ((el.innerText || el.textContent || el.value || '') + '').replace(/\s+/g, ' ').trim();
function epSelector(el) {
  const tag = el.tagName.toLowerCase();
  const count = (s) => { try { return document.querySelectorAll(s).length; } catch (e) { return 0; } };
  const unique = (s) => count(s) === 1;
  const quote = (v) => (/^[A-Za-z_][\w-]*$/.test(v) ? v : JSON.stringify(v));
  // Ids a framework generated (React's :r1:, ember123, long numbers) change between builds.
  const stableId = (id) => !!id && !/[:]|\d{3,}|^(ember|react|radix|mui|headlessui|rc[-_]|__)/i.test(id);
  const own = (node) => {
    const t = node.tagName.toLowerCase();
    if (stableId(node.id) && unique('#' + CSS.escape(node.id))) return '#' + CSS.escape(node.id);
    for (const attr of ['data-testid', 'data-test', 'data-cy', 'data-qa']) {
      const v = node.getAttribute(attr);
      if (v && unique('[' + attr + '=' + quote(v) + ']')) return '[' + attr + '=' + quote(v) + ']';
    }
    for (const attr of ['name', 'aria-label']) {
      const v = node.getAttribute(attr);
      if (v && unique(t + '[' + attr + '=' + quote(v) + ']')) return t + '[' + attr + '=' + quote(v) + ']';
    }
    return null;
  };
  const found = own(el);
  if (found) return found;
  const local = [];
  const type = el.getAttribute('type');
  if (type && (tag === 'input' || tag === 'button')) local.push(tag + '[type=' + quote(type) + ']');
  const href = el.getAttribute('href');
  if (tag === 'a' && href) {
    if (el.closest('nav')) local.push('nav a[href=' + JSON.stringify(href) + ']');
    local.push('a[href=' + JSON.stringify(href) + ']');
  }
  const placeholder = el.getAttribute('placeholder');
  if (placeholder) local.push(tag + '[placeholder=' + JSON.stringify(placeholder) + ']');
  for (const s of local) if (unique(s)) return s;
  // A button by its words (Playwright's :has-text, a case-insensitive substring): unique among the buttons.
  const words = tag === 'button' ? epText(el) : '';
  if (words && words.length <= 40) {
    const same = [...document.querySelectorAll('button')].filter((b) => epText(b).toLowerCase().includes(words.toLowerCase()));
    if (same.length === 1) return 'button:has-text(' + JSON.stringify(words) + ')';
  }
  // Scoped to the nearest ancestor that has a stable selector of its own, or is a landmark.
  const plain = local[0] || tag;
  for (let scope = el.parentElement; scope && scope !== document.body; scope = scope.parentElement) {
    let prefix = own(scope);
    const st = scope.tagName.toLowerCase();
    if (!prefix && ['form', 'dialog', 'nav', 'main', 'header', 'footer', 'aside'].includes(st) && unique(st)) prefix = st;
    if (!prefix && scope.getAttribute('role') === 'dialog' && unique('[role=dialog]')) prefix = '[role=dialog]';
    if (prefix && unique(prefix + ' ' + plain)) return prefix + ' ' + plain;
  }
  // The last resort: a CSS path from the body.
  const parts = [];
  for (let node = el; node && node !== document.body; node = node.parentElement) {
    const t = node.tagName.toLowerCase();
    const siblings = node.parentElement ? [...node.parentElement.children].filter((c) => c.tagName === node.tagName) : [];
    parts.unshift(siblings.length > 1 ? t + ':nth-of-type(' + (siblings.indexOf(node) + 1) + ')' : t);
  }
  return 'body > ' + parts.join(' > ');
}
`;
