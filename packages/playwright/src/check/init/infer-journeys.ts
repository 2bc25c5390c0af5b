import { visitOf } from './infer-api.js';
import type { FormCandidate, JourneyFinding, RecordedJourney, SeenRequest, Visit } from './types.js';
import { pathGlob } from './url-glob.js';

/** Proposed journeys written at most; the rest are listed in a comment. */
export const MAX_PROPOSED = 6;

/**
 * The journeys to write: the one the person recorded (with --headed) first, then one proposed per form init
 * saw (a form in two places, such as a header's quick-add, once). A proposal's save request is a guess —
 * init never saves anything on its own — so it says where the guess came from.
 */
export function inferJourneys(
  visits: readonly Visit[],
  api: { value: string; requests: readonly SeenRequest[] },
  refresh: SeenRequest | undefined,
  recorded: RecordedJourney | undefined,
  notes: string[],
  literals: readonly string[] = [],
): JourneyFinding[] {
  const journeys: JourneyFinding[] = [];
  const names = new Set<string>();
  const unique = (name: string) => {
    let candidate = name;
    for (let n = 2; names.has(candidate); n++) candidate = `${name} (${n})`;
    names.add(candidate);
    return candidate;
  };
  const taken = new Set<string>();
  if (recorded) {
    journeys.push({
      name: unique(`${recorded.inputLabel} on ${pathname(recorded.path)}`),
      path: recorded.path,
      before: recorded.before,
      input: recorded.input,
      save: recorded.save,
      saveRequest: recorded.saveRequest,
      saveRequestNote: undefined,
      success: recorded.success,
      origin: 'recorded',
    });
    taken.add(recorded.input);
  }
  const proposals = visits.flatMap((visit) => visit.forms.map((form) => ({ visit, form })));
  const fresh = proposals.filter(({ form }) => {
    const key = form.input;
    if (taken.has(key)) return false;
    taken.add(key);
    return true;
  });
  for (const { visit, form } of fresh.slice(0, MAX_PROPOSED)) {
    const guess = guessSaveRequest(visit, form, { ...api, refresh, visits, literals });
    journeys.push({
      name: unique(`${form.label} on ${pathname(visit.path)}`),
      path: visit.path,
      before: [],
      input: form.input,
      save: form.save,
      saveRequest: guess.value,
      saveRequestNote: guess.why,
      success: undefined,
      origin: 'proposed',
    });
  }
  if (fresh.length > MAX_PROPOSED)
    notes.push(
      `${fresh.length - MAX_PROPOSED} more form(s) were seen: ${fresh
        .slice(MAX_PROPOSED)
        .map(({ visit, form }) => `${form.input} on ${pathname(visit.path)}`)
        .join(', ')}`,
    );
  return journeys;
}

const pathname = (path: string) => path.split('?')[0]!;

/** Lower-case words of three letters or more, without a plural s: `/api/notes` and `#note` share `note`. */
const words = (text: string) =>
  new Set((text.toLowerCase().match(/[a-z]{3,}/g) ?? []).map((word) => word.replace(/s$/, '')));

/** A last path segment that names a save: `/api/profile/save` saves what `/api/profile` loaded. */
const SAVE_VERB = /^(save|update|edit|submit|create|add|new)$/i;

/** What the save request is guessed from besides the page and its form. */
interface GuessContext {
  value: string;
  requests: readonly SeenRequest[];
  refresh: SeenRequest | undefined;
  visits: readonly Visit[];
  /** Paths the app's scripts name. */
  literals: readonly string[];
}

/**
 * The save request's likeliest URL: the form's action; else the API request the page made whose path shares
 * most words with the page and the input (a notes page that loaded /api/notes likely saves there) — or the
 * path the app's scripts name next to it with a saving verb (`/api/profile/save`); else the page's first API
 * request; else the API glob itself (valid, and too broad: the comment says so).
 */
function guessSaveRequest(
  visit: Visit,
  form: FormCandidate,
  context: GuessContext,
): { value: string; why: string } {
  const unseen = 'init saves nothing on its own, so it never saw the save';
  if (form.action) return { value: pathGlob(form.action), why: `the form's action; ${unseen}. Confirm it` };
  const own = context.requests.filter((r) => r !== context.refresh && visitOf(r, context.visits) === visit);
  const hints = words(`${visit.path} ${form.label} ${form.input}`);
  const score = (r: SeenRequest) =>
    [...words(new URL(r.url).pathname)].filter((word) => word !== 'api' && hints.has(word)).length;
  const best = [...own].sort((a, b) => score(b) - score(a))[0];
  if (best) {
    const path = new URL(best.url).pathname;
    const saving = context.literals
      .map((literal) => new URL(literal, best.url))
      .find((url) => url.origin === new URL(best.url).origin && isSavingPathOf(url.pathname, path));
    if (saving)
      return {
        value: pathGlob(saving.href),
        why: `a guess: the page loaded ${path}, and the app's scripts name ${saving.pathname}; ${unseen}. Confirm it`,
      };
    const reason =
      score(best) > 0 ? `it loaded ${path}, whose name matches` : `the first API call it made was ${path}`;
    return { value: pathGlob(best.url), why: `a guess from the page: ${reason}; ${unseen}. Confirm it` };
  }
  return {
    value: context.value,
    why: `${unseen}, and the page made no API call to guess from: this matches every API call; narrow it`,
  };
}

/** `/api/profile/save` is the saving path of `/api/profile`. */
function isSavingPathOf(candidate: string, loaded: string): boolean {
  const base = loaded.replace(/\/$/, '');
  return (
    candidate.startsWith(`${base}/`) && SAVE_VERB.test(candidate.slice(base.length + 1).replace(/\/$/, ''))
  );
}
