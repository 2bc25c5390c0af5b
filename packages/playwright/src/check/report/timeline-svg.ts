import type { TrafficEntry } from '../../traffic/record-traffic.js';
import { type UrlPattern, urlMatches } from '../../url-pattern.js';
import type { Mark } from '../run-check.js';
import { escapeHtml } from './escape-html.js';

/** A main-frame navigation (e.g. the trip to the login page), at milliseconds since recording started. */
export interface Navigation {
  at: number;
  url: string;
}

/** What a scenario's timeline shows: `ScenarioResult['timeline']`, with its navigations when recorded. */
export interface TimelineInput {
  entries: readonly TrafficEntry[];
  marks: readonly Mark[];
  navigations?: readonly Navigation[] | undefined;
}

/** An axis-aligned rectangle in SVG user units. */
export interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}

export type TimelineRow =
  | { kind: 'request'; at: number; entry: TrafficEntry }
  | { kind: 'navigation'; at: number; navigation: Navigation }
  | { kind: 'gap'; requests: number; navigations: number };

/** A marker's label, placed on a line of its own below the plot. */
export interface MarkLabel {
  mark: Mark;
  text: string;
  /** Where the dashed line stands. */
  lineX: number;
  /** The text's baseline. */
  baseline: number;
  anchor: 'start' | 'end';
  textX: number;
  box: Box;
}

export interface TimelineLayout {
  width: number;
  height: number;
  from: number;
  end: number;
  rows: TimelineRow[];
  /** Requests before the audit's first action, left out as sign-in noise. */
  earlier: number;
  marks: MarkLabel[];
  /** The area the rows (labels and bars) take: every marker label lies below it. */
  plot: Box;
}

const LABEL_WIDTH = 330;
const PLOT = 560;
const WIDTH = LABEL_WIDTH + PLOT + 20;
const ROW = 18;
const TOP = 24;
const FONT = 11;
const MARK_FONT = 10;
const MARK_LINE = 14;
/**
 * Advance of one character as a fraction of the font size. Monospace faces use 0.6; a little more, so the
 * estimate is never short of what is drawn and a label measured to fit does fit.
 */
const CHAR = 0.62;
const MAX_ROWS = 60;
/** Rows kept from the end of a long timeline: how a loop ended matters as much as how it began. */
const TAIL = 10;

const textWidth = (text: string, size: number) => [...text].length * size * CHAR;
const fit = (text: string, chars: number) =>
  [...text].length <= chars ? text : `${[...text].slice(0, Math.max(0, chars - 1)).join('')}…`;
const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

/** Where a moment falls on the time axis (moments before `from` at its start). */
const axis = (from: number, end: number) => (ms: number) =>
  LABEL_WIDTH + ((Math.max(ms, from) - from) / (end - from)) * PLOT;

/** Requests and navigations in time order, from just before the audit's first action. */
function rowsFrom(input: TimelineInput, from: number): { rows: TimelineRow[]; earlier: number } {
  const requests = input.entries.filter((e) => (e.end ?? Number.POSITIVE_INFINITY) >= from);
  const navigations = (input.navigations ?? []).filter((n) => n.at >= from);
  const rows: TimelineRow[] = [
    ...requests.map((entry): TimelineRow => ({ kind: 'request', at: entry.start, entry })),
    ...navigations.map((navigation): TimelineRow => ({ kind: 'navigation', at: navigation.at, navigation })),
  ];
  const at = (row: TimelineRow) => (row.kind === 'gap' ? 0 : row.at);
  rows.sort((a, b) => at(a) - at(b));
  return { rows, earlier: input.entries.length - requests.length };
}

/** At most MAX_ROWS rows: the first ones, a row saying how many are left out, and the last ones. */
function truncate(rows: TimelineRow[]): TimelineRow[] {
  if (rows.length <= MAX_ROWS) return rows;
  const head = rows.slice(0, MAX_ROWS - TAIL - 1);
  const tail = rows.slice(rows.length - TAIL);
  const hidden = rows.slice(head.length, rows.length - TAIL);
  const navigations = hidden.filter((r) => r.kind === 'navigation').length;
  return [...head, { kind: 'gap', requests: hidden.length - navigations, navigations }, ...tail];
}

/** The last moment anything shown happened (a loop over an array: thousands of rows overflow a spread). */
function lastMoment(rows: readonly TimelineRow[], marks: readonly Mark[], from: number): number {
  let end = from + 1;
  for (const row of rows) {
    if (row.kind === 'request') end = Math.max(end, row.entry.end ?? row.entry.start);
    else if (row.kind === 'navigation') end = Math.max(end, row.at);
  }
  for (const mark of marks) end = Math.max(end, mark.at);
  return end;
}

/**
 * Each marker label gets a line of its own below the rows, so labels cannot overlap one another (one line
 * each) nor the bars (all below them). It reads to the right of its marker, or to the left when it would run
 * off the picture, or from the picture's edge (shortened if it must) when it fits on neither side.
 */
function placeMark(mark: Mark, lineX: number, baseline: number): MarkLabel {
  const full = `${mark.label} (${Math.round(mark.at)} ms)`;
  const text = fit(full, Math.floor((WIDTH - 8) / (MARK_FONT * CHAR)));
  const width = textWidth(text, MARK_FONT);
  let anchor: MarkLabel['anchor'] = 'start';
  let textX = lineX + 4;
  if (textX + width > WIDTH - 4) {
    if (lineX - 4 - width >= 4) {
      anchor = 'end';
      textX = lineX - 4;
    } else textX = Math.max(4, WIDTH - 4 - width);
  }
  const left = anchor === 'end' ? textX - width : textX;
  const box = { x: left, y: baseline - MARK_FONT, width, height: MARK_FONT * 1.3 };
  return { mark, text, lineX, baseline, anchor, textX, box };
}

/** Where everything goes, apart from drawing it: the report draws this, and tests measure it. */
export function layoutTimeline(input: TimelineInput): TimelineLayout {
  // Zoom to what the audit did: from just before its first action (sign-in traffic before that is noise).
  const from = Math.max(0, (input.marks[0]?.at ?? 0) - 400);
  const { rows: all, earlier } = rowsFrom(input, from);
  const rows = truncate(all);
  const end = lastMoment(all, input.marks, from);
  // An empty timeline still has its "no requests" line: the marker labels go below it.
  const bottom = TOP + Math.max(1, rows.length) * ROW;
  const x = axis(from, end);
  const marks = input.marks.map((mark, i) => placeMark(mark, x(mark.at), bottom + 12 + i * MARK_LINE));
  return {
    width: WIDTH,
    height: bottom + 12 + input.marks.length * MARK_LINE,
    from,
    end,
    rows,
    earlier,
    marks,
    plot: { x: 0, y: TOP, width: WIDTH, height: bottom - TOP },
  };
}

function colour(entry: TrafficEntry): string {
  if (entry.failure) return '#64748b';
  if (entry.status === undefined) return '#cbd5e1';
  if (entry.status === 401) return '#dc2626';
  if (entry.status >= 400) return '#ea580c';
  return '#16a34a';
}

const ROW_CHARS = Math.floor((LABEL_WIDTH - 8) / (FONT * CHAR));

/** The row's label: the path is shortened when it must be, never the outcome or what the audit did to it. */
function requestLabel(entry: TrafficEntry, home: string): { text: string; tag: string; full: string } {
  const url = new URL(entry.url);
  const outcome = ` → ${entry.status ?? entry.failure ?? '…'}`;
  const tag = entry.tampered ? ` ${entry.tampered}` : entry.bearer ? ' +token' : '';
  const path = `${entry.method} ${url.host === home ? '' : url.host}${url.pathname}`;
  const text = fit(path, ROW_CHARS - [...outcome].length - [...tag].length) + outcome;
  return { text, tag, full: `${path}${outcome}${tag}` };
}

/** One row: its label on the left, its bar (a request) or diamond (a navigation) on the time axis. */
function drawRow(
  row: TimelineRow,
  y: number,
  layout: TimelineLayout,
  refresh: UrlPattern,
  home: string,
): string {
  const x = axis(layout.from, layout.end);
  if (row.kind === 'gap') {
    const what = [
      plural(row.requests, 'more request'),
      ...(row.navigations ? [plural(row.navigations, 'navigation')] : []),
    ];
    return `<g class="gap"><line x1="4" y1="${y + ROW / 2}" x2="${LABEL_WIDTH + PLOT}" y2="${y + ROW / 2}" stroke="#cbd5e1" stroke-dasharray="2 4"/><text x="${LABEL_WIDTH / 2}" y="${y + 12}" text-anchor="middle" fill="#475569" font-style="italic" paint-order="stroke" stroke="#f8fafc" stroke-width="4">… ${escapeHtml(what.join(' and '))} not shown …</text></g>`;
  }
  if (row.kind === 'navigation') {
    const url = new URL(row.navigation.url);
    const where = `${url.host === home ? '' : url.host}${url.pathname}`;
    const cx = x(row.at);
    const cy = y + ROW / 2;
    return `<g class="navigation"><text class="row-label" x="4" y="${y + 12}" fill="#0e7490">${escapeHtml(fit(`page → ${where}`, ROW_CHARS))}</text><path class="nav" d="M${cx} ${cy - 6}L${cx + 6} ${cy}L${cx} ${cy + 6}L${cx - 6} ${cy}Z" fill="#0891b2"><title>${escapeHtml(`navigated to ${row.navigation.url} (${Math.round(row.at)} ms)`)}</title></path></g>`;
  }
  const { entry } = row;
  const label = requestLabel(entry, home);
  const isRefresh = urlMatches(refresh, entry.url);
  const start = x(entry.start);
  const width = Math.max(3, x(entry.end ?? layout.end) - start);
  const tag = entry.tampered
    ? `<tspan fill="#7c3aed" font-weight="bold">${escapeHtml(label.tag)}</tspan>`
    : label.tag && `<tspan fill="#64748b">${escapeHtml(label.tag)}</tspan>`;
  const stroke = isRefresh
    ? ' stroke="#2563eb" stroke-width="3"'
    : entry.tampered
      ? ' stroke="#7c3aed" stroke-width="2" stroke-dasharray="3 2"'
      : '';
  return `<text class="row-label" x="4" y="${y + 12}" fill="#0f172a">${escapeHtml(label.text)}${tag}<title>${escapeHtml(label.full)}</title></text><rect class="bar" x="${start}" y="${y + 3}" width="${width}" height="${ROW - 6}" rx="2" fill="${colour(entry)}"${stroke}><title>${escapeHtml(`${label.full} (${entry.start}–${entry.end ?? '?'} ms)`)}</title></rect>`;
}

/** A marker's dashed line from the top of the rows down to its label's line. */
const drawLine = (m: MarkLabel) =>
  `<line x1="${m.lineX}" y1="${TOP - 4}" x2="${m.lineX}" y2="${m.baseline - MARK_FONT - 1}" stroke="#7c3aed" stroke-dasharray="4 3"/>`;

/** A marker's label, with a halo in the background colour so that another marker's line passing behind it does not cut through the letters. */
const drawMarkLabel = (m: MarkLabel) =>
  `<text class="mark-label" x="${m.textX}" y="${m.baseline}" fill="#7c3aed" font-size="${MARK_FONT}"${m.anchor === 'end' ? ' text-anchor="end"' : ''} paint-order="stroke" stroke="#f8fafc" stroke-width="4">${escapeHtml(m.text)}<title>${escapeHtml(m.mark.label)}</title></text>`;

/**
 * Draws requests as bars on a time axis (one row each: 401 red, refresh outlined blue, success green,
 * network failure grey; a credential the audit changed outlined purple), navigations as diamonds on rows of
 * their own, and the audit's actions as dashed markers, so 401 → refresh → replay reads at a glance.
 */
export function timelineSvg(input: TimelineInput, refresh: UrlPattern): string {
  const layout = layoutTimeline(input);
  const first = layout.rows.find((r) => r.kind === 'request');
  const home = first?.kind === 'request' ? new URL(first.entry.url).host : '';
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" class="timeline" width="${layout.width}" height="${layout.height}" viewBox="0 0 ${layout.width} ${layout.height}" font-family="ui-monospace, monospace" font-size="${FONT}">`,
    `<text x="${LABEL_WIDTH}" y="14" fill="#475569">${Math.round(layout.from)} ms</text><text x="${LABEL_WIDTH + PLOT}" y="14" text-anchor="end" fill="#475569">${Math.round(layout.end)} ms</text>`,
  ];
  if (layout.earlier)
    parts.push(
      `<text class="earlier" x="4" y="14" fill="#64748b" font-style="italic">${escapeHtml(`${plural(layout.earlier, 'earlier request')} (sign-in) not shown`)}</text>`,
    );
  layout.rows.forEach((row, i) => {
    parts.push(drawRow(row, TOP + i * ROW, layout, refresh, home));
  });
  if (layout.rows.length === 0)
    parts.push(`<text x="4" y="${TOP + 12}" fill="#64748b">no API requests recorded</text>`);
  // Every line before any label, so labels (with their halo) sit on top of the lines they cross.
  parts.push(...layout.marks.map(drawLine), ...layout.marks.map(drawMarkLabel), '</svg>');
  return parts.join('');
}
