import type { SuccessSignal } from '../config/types.js';
import type { RecorderEvent } from './recorder.js';
import type { RecordedJourney, SeenRequest } from './types.js';
import { pathGlob } from './url-glob.js';

/** A click this long before a request counts as what sent it. */
const TRIGGER_MS = 3_000;
/** What appeared this long after the save was answered counts as how success shows. */
const OUTCOME_MS = 5_000;
/** Clicks kept as `before` (opening a dialog, a tab, an edit mode) at most. */
const MAX_BEFORE = 3;

type ClickEvent = Extract<RecorderEvent, { type: 'click' }>;
type FieldEvent = Extract<RecorderEvent, { type: 'input' }>;

/**
 * The journey the person clicked through, from what the recorder saw and the traffic: the first request
 * that is not a GET after they changed a field is the save; the click just before it is the save button (none
 * when the change alone saved); the field changed last before it is the input; clicks on that page before the
 * change are `before`; what appeared after the answer is how success shows. Undefined when nothing was saved.
 */
export function assembleJourney(
  events: readonly RecorderEvent[],
  requests: readonly SeenRequest[],
  since: number,
  isApi: (request: SeenRequest) => boolean,
): { journey: RecordedJourney; note: string } | undefined {
  const mine = events.filter((e) => e.at >= since);
  const firstInput = mine.find((e) => e.type === 'input');
  if (!firstInput) return undefined;
  const save = requests.find(
    (r) => r.method !== 'GET' && r.startedAt >= firstInput.at && !r.carriesPassword && isApi(r),
  );
  if (!save) return undefined;
  const clicks = mine.filter((e): e is ClickEvent => e.type === 'click');
  const trigger = clicks
    .filter((e) => !e.link && e.at <= save.startedAt && e.at >= save.startedAt - TRIGGER_MS)
    .at(-1);
  const input = mine
    .filter((e): e is FieldEvent => e.type === 'input' && e.at <= (trigger?.at ?? save.startedAt))
    .at(-1);
  if (!input) return undefined;
  // Clicks on the input's page before the change, after the last link followed: what opened the form.
  const earlier = clicks.filter((e) => e.at < input.at);
  const lastLink = earlier.map((e) => e.link).lastIndexOf(true);
  const before = earlier
    .slice(lastLink + 1)
    .filter((e) => e.path === input.path && e.selector !== input.selector)
    .map((e) => e.selector)
    .slice(-MAX_BEFORE);
  const answered = save.endedAt ?? save.startedAt;
  const after = mine.filter((e) => e.at >= (trigger?.at ?? answered) && e.at <= answered + OUTCOME_MS);
  const { success, seen } = successOf(after);
  const status = save.status === undefined ? 'no answer' : String(save.status);
  const clicked = trigger ? `clicked ${trigger.selector}` : 'no click';
  const note = `recorded: changed ${input.selector}, ${clicked}, ${save.method} ${new URL(save.url).pathname} → ${status}${seen ? `, then ${seen}` : ''}`;
  return {
    journey: {
      path: input.path,
      before,
      input: input.selector,
      inputLabel: input.label,
      save: trigger?.selector,
      // A save sent as a GET must say so: a bare pattern counts only requests that can write.
      saveRequest: save.method === 'GET' ? `GET ${pathGlob(save.url)}` : pathGlob(save.url),
      success,
    },
    note,
  };
}

/**
 * How success showed: a dialog's text, else an element that appeared with a selector worth keeping (a
 * message-like class first). Bare text is not used: it may be what the person typed, shown back.
 */
function successOf(after: readonly RecorderEvent[]): { success: SuccessSignal | undefined; seen: string } {
  const dialog = after.find((e) => e.type === 'dialog');
  if (dialog)
    return { success: { dialog: dialog.text }, seen: `a dialog said ${JSON.stringify(dialog.text)}` };
  const appeared = after.filter(
    (e): e is Extract<RecorderEvent, { type: 'appeared' }> => e.type === 'appeared',
  );
  const telling = /success|saved|toast|alert|notice|message|flash|status|snackbar|notification|confirm/i;
  const shown =
    appeared.find((e) => e.selector !== null && telling.test(e.selector)) ??
    appeared.find((e) => e.selector !== null);
  if (shown?.selector)
    return { success: shown.selector, seen: `${shown.selector} showed ${JSON.stringify(shown.text)}` };
  const text = appeared[0]?.text;
  return { success: undefined, seen: text ? `${JSON.stringify(text)} appeared` : '' };
}
