import type { CredentialHint } from '../config/types.js';
import { comment, key, signal, str } from './ts-source.js';
import type { Findings, JourneyFinding } from './types.js';

/** The environment variable the generated config reads the password from. */
export const PASSWORD_ENV = 'EXPIRYPROOF_PASSWORD';

const I1 = '  ';
const I2 = '    ';
const I3 = '      ';

/**
 * The config as TypeScript a person reads and finishes: every value init found, a comment saying how it
 * found it, and a `// TODO(option):` wherever a person must choose. Every TODO sits on a valid value that
 * runs as written, so the file loads and validates before anyone edits it. Also valid JavaScript (no type
 * annotations), so it may be saved as .js or .mjs.
 */
export function renderConfig(findings: Findings, fileName: string): string {
  const out: string[] = [
    ...comment(
      `${fileName}, written by \`npx expiryproof init\` from ${findings.baseURL}. A starting point: check what it found, settle every TODO (grep -n TODO ${fileName}), then run:`,
      '',
    ),
    `//   ${PASSWORD_ENV}='…' npx expiryproof check --config ${fileName}`,
    "import { defineConfig } from '@expiryproof/playwright/check';",
    '',
    ...comment(`The password is never written here: the audit reads it from ${PASSWORD_ENV} to sign in.`, ''),
    `const password = process.env.${PASSWORD_ENV} ?? '';`,
    '',
    'export default defineConfig({',
    `${I1}baseURL: ${str(findings.baseURL)},`,
    ...login(findings),
    ...api(findings),
    ...credential(findings.credential),
    ...journeys(findings),
    ...reauth(),
    ...logout(findings),
    ...concurrent(findings),
    ...thirdParty(findings),
    ...notes(findings.notes),
    '});',
    '',
  ];
  return out.join('\n');
}

function login(f: Findings): string[] {
  const { login: form } = f;
  const fields = [
    ...(form.user ? [`${I3}${key(form.user)}: ${str(f.userValue)},`] : []),
    `${I3}${key(form.password)}: password,`,
  ];
  return [
    '',
    ...comment(`The login form, found on ${form.path} (${form.via}).`, I1),
    `${I1}login: {`,
    `${I2}path: ${str(form.path)},`,
    `${I2}fields: {`,
    ...fields,
    `${I2}},`,
    `${I2}submit: ${str(form.submit)},`,
    ...comment('Where sign-in landed.', I2),
    `${I2}done: ${str(f.done)},`,
    `${I1}},`,
    ...comment('Where a lost session sends people: the login page.', I1),
    `${I1}loginPage: ${str(f.loginPage)},`,
  ];
}

function api(f: Findings): string[] {
  const apiNote = f.api.seen ? `${f.api.why}.` : `TODO(api): ${f.api.why}; name the URLs of the API.`;
  const refreshNote = f.refresh.seen
    ? `${f.refresh.why}.`
    : `TODO(refresh): ${f.refresh.why}. Confirm it: it is the call the app makes when an API call is answered 401.`;
  return [
    '',
    ...comment(apiNote, I1),
    `${I1}api: ${str(f.api.value)},`,
    ...comment(refreshNote, I1),
    `${I1}refresh: ${str(f.refresh.value)},`,
  ];
}

function credential(found: Findings['credential']): string[] {
  if (!found)
    return [
      '',
      ...comment(
        "TODO(credential): init found nothing on the API requests that looks like a session (an Authorization or token header, a cookie set by sign-in, a token query parameter). The audit looks again; if it finds nothing either, name it here: credential: { header: '…' }, { cookie: '…' } or { query: '…' }.",
        I1,
      ),
    ];
  const others = found.others.length ? ` (other candidates: ${found.others.join(', ')})` : '';
  return [
    '',
    ...comment(
      `What carries the session, found on the API requests after sign-in: ${found.description}${others}. The audit finds it by itself too: keep this line to pin it, or delete it to let the audit choose.`,
      I1,
    ),
    `${I1}credential: ${hint(found.hint)},`,
  ];
}

const hint = (value: CredentialHint) =>
  'header' in value
    ? `{ header: ${str(value.header)} }`
    : 'cookie' in value
      ? `{ cookie: ${str(value.cookie)} }`
      : `{ query: ${str(value.query)} }`;

function journeys(f: Findings): string[] {
  if (!f.journeys.length)
    return [
      '',
      ...comment(
        'TODO(journeys): no form with a text field and a save button was found on the pages init opened. Add what people do that must survive an expiry — { name, path, input, save, saveRequest } — or run `npx expiryproof init --headed --force` and save something once.',
        I1,
      ),
    ];
  return [
    '',
    ...comment('What people do that must survive an expiry: the save scenarios run once for each.', I1),
    `${I1}journeys: [`,
    ...f.journeys.flatMap(journey),
    `${I1}],`,
  ];
}

function journey(j: JourneyFinding): string[] {
  const lines = [`${I2}{`];
  lines.push(
    ...comment(
      j.origin === 'recorded'
        ? 'Recorded: what you did in the browser.'
        : `TODO(journey): proposed from a form on ${j.path}; keep it if saving there matters, delete it if not.`,
      I3,
    ),
  );
  lines.push(`${I3}name: ${str(j.name)},`, `${I3}path: ${str(j.path)},`);
  if (j.before.length) lines.push(`${I3}before: [${j.before.map(str).join(', ')}],`);
  lines.push(`${I3}input: ${str(j.input)},`);
  if (j.save) lines.push(`${I3}save: ${str(j.save)},`);
  else lines.push(...comment('No save button: changing the input saved by itself.', I3));
  if (j.saveRequestNote) lines.push(...comment(`TODO(saveRequest): ${j.saveRequestNote}.`, I3));
  lines.push(`${I3}saveRequest: ${str(j.saveRequest)},`);
  if (j.success) lines.push(`${I3}success: ${signal(j.success)},`);
  else {
    lines.push(
      ...comment(
        "TODO(success): how a saved change shows; 'network' judges by the save request's answer alone.\nOr a selector such as '.saved', or { text: 'Saved' }, or { dialog: true } for an alert.",
        I3,
      ),
      `${I3}success: 'network',`,
    );
  }
  lines.push(`${I2}},`);
  return lines;
}

/** Init never makes a refresh fail, so it cannot see a re-auth prompt: a person says whether there is one. */
function reauth(): string[] {
  return [
    '',
    ...comment(
      'If the app asks for the password again over the page when the session cannot be renewed, tell the audit how to answer it (refresh-rejected judges it), e.g.:',
      I1,
    ),
    `${I1}// reauth: {`,
    `${I1}//   dialog: '#reauth-dialog',`,
    `${I1}//   fields: { '#reauth-dialog input[type=password]': password },`,
    `${I1}//   submit: '#reauth-dialog button[type=submit]',`,
    `${I1}// },`,
  ];
}

function logout(f: Findings): string[] {
  if (!f.logout) return [];
  return [
    '',
    ...comment(`The control that signs out, on ${f.landedPath} (init did not click it).`, I1),
    `${I1}logout: ${str(f.logout)},`,
  ];
}

function concurrent(f: Findings): string[] {
  const c = f.concurrent;
  if (!c)
    return [
      '',
      ...comment(
        'TODO(concurrent): no page init opened had two or more API calls in flight at once. For `concurrent-expiry`, add concurrent: { path, ready, count } for a page that does (a dashboard).',
        I1,
      ),
    ];
  const body = [
    `path: ${str(c.path)},`,
    ...(c.ready ? [`ready: ${str(c.ready)},`] : ["ready: '…',"]),
    `count: ${c.count},`,
    ...(c.click ? [`click: ${str(c.click)},`] : []),
  ];
  const header = comment(`${c.path} had ${c.count} API calls in flight at once.`, I1);
  const readyNote = `TODO(ready): ${c.readyWhy}.`;
  const clickNote = 'The landing page’s link to it: opened in the app, a token held in memory survives.';
  if (!c.ready)
    // Without a selector for the parts the scenario cannot judge "every part loaded": left for a person to finish.
    return [
      '',
      ...header,
      ...comment(`${readyNote} Then uncomment:`, I1),
      `${I1}// concurrent: {`,
      ...body.map((line) => `${I2}// ${line}`),
      `${I1}// },`,
    ];
  return [
    '',
    ...header,
    `${I1}concurrent: {`,
    `${I2}${body[0]}`,
    ...comment(readyNote, I2),
    `${I2}${body[1]}`,
    `${I2}${body[2]}`,
    ...(c.click ? [...comment(clickNote, I2), `${I2}${body[3]}`] : []),
    `${I1}},`,
  ];
}

function thirdParty(f: Findings): string[] {
  const t = f.thirdParty;
  if (!t)
    return [
      '',
      ...comment(
        'No page init opened called another site. For `token-leak`, add thirdParty: { path, pattern } for one that does.',
        I1,
      ),
    ];
  const others = t.origins.length > 1 ? ` (also: ${t.origins.slice(1).join(', ')})` : '';
  return [
    '',
    ...comment(
      `${t.path} called ${t.origins[0]}, another site${others}: the audit checks the credential does not go there.`,
      I1,
    ),
    `${I1}thirdParty: { path: ${str(t.path)}, pattern: ${str(t.pattern)} },`,
  ];
}

function notes(list: readonly string[]): string[] {
  if (!list.length) return [];
  return ['', ...comment('What else init noticed:', I1), ...list.flatMap((note) => comment(`- ${note}`, I1))];
}
