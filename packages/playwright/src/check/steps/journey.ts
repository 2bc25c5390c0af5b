import type { Page, Request } from '@playwright/test';
import { urlMatches } from '../../url-pattern.js';
import type { CheckConfig, JourneyConfig, SuccessSignal } from '../config/types.js';
import { SetupError } from '../errors.js';
import { loginPattern, networkQuiet } from './page-steps.js';
import { type SaveRequest, saveRequestOf } from './save-request.js';
import { expectSelector } from './sign-in.js';

/** A journey as the scenarios run it; `form` becomes one named "form". */
export interface Journey {
  name: string;
  /** Where its problems are reported in the config, e.g. `journeys[1]` or `form`. */
  field: string;
  /** From `form`: results keep the bare scenario name, as before journeys existed. */
  fromForm: boolean;
  path: string;
  before: JourneyConfig['before'];
  input: string;
  save: string | undefined;
  saveRequest: SaveRequest;
  success: SuccessSignal;
  text: string | undefined;
}

export function journeysOf(config: CheckConfig): Journey[] {
  const journeys: Journey[] = [];
  if (config.form) {
    const { form } = config;
    journeys.push({
      name: 'form',
      field: 'form',
      fromForm: true,
      path: form.path,
      before: undefined,
      input: form.field,
      save: form.save,
      saveRequest: saveRequestOf(form.saveRequest),
      success: { selector: form.success },
      text: form.text,
    });
  }
  for (const [i, j] of (config.journeys ?? []).entries())
    journeys.push({
      name: j.name,
      field: `journeys[${i}]`,
      fromForm: false,
      path: j.path,
      before: j.before,
      input: j.input,
      save: j.save,
      saveRequest: saveRequestOf(j.saveRequest),
      success: j.success ?? 'network',
      text: j.text,
    });
  return journeys;
}

/** What the audit changed, to find it again: in the field, in the save request, after re-authentication. */
export interface Entry {
  kind: 'text' | 'select' | 'checkbox' | 'contenteditable';
  /** The typed text, the option value picked, or the checkbox's new state ('true' / 'false'). */
  value: string;
}

const inputField = (j: Journey) => (j.fromForm ? 'form.field' : `${j.field}.input`);

/** Opens the journey's page and walks its `before` steps, up to the input, which must be there. */
export async function openJourney(page: Page, config: CheckConfig, journey: Journey): Promise<void> {
  if (!urlMatches(`**${journey.path}`, page.url())) {
    await page.goto(journey.path).catch((error: Error) => {
      const field = journey.fromForm ? 'form.path' : `${journey.field}.path`;
      throw new SetupError(`${field}: could not open ${journey.path} (${error.message.split('\n')[0]})`);
    });
  }
  await networkQuiet(page);
  if (urlMatches(loginPattern(config), page.url()))
    throw new SetupError(
      `${journey.fromForm ? 'form.path' : `${journey.field}.path`}: ${journey.path} sent the signed-in user to the login page before anything was typed`,
    );
  if (typeof journey.before === 'function') {
    try {
      await journey.before(page);
    } catch (error) {
      throw new SetupError(`${journey.field}.before failed: ${(error as Error).message.split('\n')[0]}`);
    }
  } else {
    for (const [i, step] of (journey.before ?? []).entries()) {
      await expectSelector(page, step, `${journey.field}.before[${i}]`);
      await page.click(step);
    }
  }
  await expectSelector(page, journey.input, inputField(journey));
  await networkQuiet(page);
  // A page that loads what the input shows keeps it disabled until then: a value read (or a change made)
  // before would be the placeholder's — after a sign-in, a placeholder equal to the draft reads as restored.
  await page
    .locator(journey.input)
    .first()
    .click({ trial: true, timeout: 5_000 })
    .catch(() => {});
  if (journey.save && (await page.locator(journey.save).count()) === 0)
    await expectSelector(page, journey.save, journey.fromForm ? 'form.save' : `${journey.field}.save`);
}

/** The input's kind, read from the page. */
export async function kindOf(page: Page, selector: string): Promise<Entry['kind']> {
  return page
    .locator(selector)
    .first()
    .evaluate((el) => {
      const tag = el.tagName.toLowerCase();
      if (tag === 'select') return 'select';
      if (tag === 'input' && ['checkbox', 'radio'].includes((el as HTMLInputElement).type)) return 'checkbox';
      if (tag !== 'input' && tag !== 'textarea' && (el as HTMLElement).isContentEditable)
        return 'contenteditable';
      return 'text';
    });
}

/** Makes the change a person would: types unique text, picks another option, or toggles the checkbox. */
export async function enter(page: Page, journey: Journey, text: string): Promise<Entry> {
  const input = page.locator(journey.input).first();
  const kind = await kindOf(page, journey.input);
  if (kind === 'select') {
    // Not before the page has loaded what it shows: a select still disabled holds a placeholder value, and
    // a pick made against it may equal what the server already has — which would later read as "kept".
    await input.click({ trial: true });
    const { current, options } = await input.evaluate((el) => {
      const select = el as HTMLSelectElement;
      return {
        current: select.value,
        options: [...select.options].filter((o) => !o.disabled).map((o) => o.value),
      };
    });
    const value = options.find((o) => o !== current);
    if (value === undefined)
      throw new SetupError(
        `${inputField(journey)} ${JSON.stringify(journey.input)} has no other option to pick`,
      );
    await input.selectOption(value);
    return { kind, value };
  }
  if (kind === 'checkbox') {
    const checked = await input.isChecked();
    await input.setChecked(!checked);
    return { kind, value: String(!checked) };
  }
  await input.fill(text);
  return { kind, value: text };
}

/** The input's value now, or undefined when it is gone (a dialog closed, the page went elsewhere). */
export async function valueNow(page: Page, journey: Journey, entry: Entry): Promise<string | undefined> {
  const input = page.locator(journey.input).first();
  if (!(await input.count().catch(() => 0))) return undefined;
  if (entry.kind === 'checkbox') return input.isChecked().then(String, () => undefined);
  if (entry.kind === 'contenteditable') return input.innerText().catch(() => undefined);
  return input.inputValue().catch(() => undefined);
}

/** The save requests a journey sent, with what they carried (in memory only) and how they were answered. */
export interface SaveLog {
  readonly sends: readonly { at: number; body: string; status: number | undefined }[];
  /** Whether a save answered 2xx after `from` carried `value`. */
  delivered(value: string, from: number): boolean;
  stop(): void;
}

export function watchSaves(page: Page, journey: Journey): SaveLog {
  const sends: { at: number; body: string; status: number | undefined; request: Request }[] = [];
  const onRequest = (request: Request) => {
    if (!journey.saveRequest.matches(request.method(), request.url())) return;
    sends.push({ at: Date.now(), body: bodyOf(request), status: undefined, request });
  };
  const onResponse = (response: import('@playwright/test').Response) => {
    const send = sends.find((s) => s.request === response.request());
    if (send) send.status = response.status();
  };
  page.on('request', onRequest);
  page.on('response', onResponse);
  return {
    sends,
    delivered: (value, from) =>
      sends.some(
        (s) =>
          s.at >= from &&
          s.status !== undefined &&
          s.status >= 200 &&
          s.status < 300 &&
          (s.body.includes(value) ||
            s.body.includes(JSON.stringify(value).slice(1, -1)) ||
            safeDecode(s.body).includes(value)),
      ),
    stop() {
      page.off('request', onRequest);
      page.off('response', onResponse);
    },
  };
}

function bodyOf(request: Request): string {
  try {
    return request.postData() ?? '';
  } catch {
    return '';
  }
}

function safeDecode(text: string) {
  try {
    return decodeURIComponent(text.replace(/\+/g, ' '));
  } catch {
    return text;
  }
}
