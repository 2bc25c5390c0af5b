import type { TrafficEntry } from '../../traffic/record-traffic.js';
import { type UrlPattern, urlMatches } from '../../url-pattern.js';
import type { Mark } from '../run-check.js';
import { escapeHtml } from './escape-html.js';

function colour(entry: TrafficEntry): string {
  if (entry.failure) return '#64748b';
  if (entry.status === undefined) return '#cbd5e1';
  if (entry.status === 401) return '#dc2626';
  if (entry.status >= 400) return '#ea580c';
  return '#16a34a';
}

/**
 * Draws requests as bars on a time axis (one row each: 401 red, refresh outlined blue, success green,
 * network failure grey) with the audit's actions as dashed markers, so 401 → refresh → replay reads at a glance.
 */
export function timelineSvg(
  entries: readonly TrafficEntry[],
  marks: readonly Mark[],
  refresh: UrlPattern,
): string {
  // Zoom to what the audit did: from just before its first action (sign-in traffic before that is noise).
  const from = Math.max(0, (marks[0]?.at ?? 0) - 400);
  const rows = entries.filter((e) => (e.end ?? Number.POSITIVE_INFINITY) >= from).slice(0, 60);
  const end = Math.max(from + 1, ...rows.map((e) => e.end ?? e.start), ...marks.map((m) => m.at));
  const labelWidth = 330;
  const plot = 560;
  const rowHeight = 18;
  const top = 24;
  const bottom = top + rows.length * rowHeight;
  const height = bottom + 8 + marks.length * 13;
  const x = (ms: number) => labelWidth + ((Math.max(ms, from) - from) / (end - from)) * plot;
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" class="timeline" width="${labelWidth + plot + 20}" height="${height}" font-family="ui-monospace, monospace" font-size="11">`,
    `<text x="${labelWidth}" y="14" fill="#475569">${Math.round(from)} ms</text><text x="${labelWidth + plot}" y="14" text-anchor="end" fill="#475569">${Math.round(end)} ms</text>`,
  ];
  const home = rows[0] ? new URL(rows[0].url).host : '';
  rows.forEach((entry, i) => {
    const y = top + i * rowHeight;
    const url = new URL(entry.url);
    const label = `${entry.method} ${url.host === home ? '' : url.host}${url.pathname} → ${entry.status ?? entry.failure ?? '…'}${entry.tampered ? ` ${entry.tampered}` : entry.bearer ? ' +token' : ''}`;
    const isRefresh = urlMatches(refresh, entry.url);
    const start = x(entry.start);
    const width = Math.max(3, x(entry.end ?? end) - start);
    parts.push(
      `<text x="4" y="${y + 12}" fill="#0f172a">${escapeHtml(label.slice(0, 50))}</text>`,
      `<rect x="${start}" y="${y + 3}" width="${width}" height="${rowHeight - 6}" rx="2" fill="${colour(entry)}"${isRefresh ? ' stroke="#2563eb" stroke-width="3"' : ''}><title>${escapeHtml(`${label} (${entry.start}–${entry.end ?? '?'} ms)`)}</title></rect>`,
    );
  });
  marks.forEach((mark, i) => {
    const mx = x(mark.at);
    const y = bottom + 8 + i * 13;
    // Each marker's label gets its own line, so markers close in time stay readable.
    parts.push(
      `<line x1="${mx}" y1="${top - 4}" x2="${mx}" y2="${y - 9}" stroke="#7c3aed" stroke-dasharray="4 3"/>`,
      `<text x="${mx > labelWidth + plot / 2 ? mx - 3 : mx + 3}" y="${y}" fill="#7c3aed" font-size="10"${mx > labelWidth + plot / 2 ? ' text-anchor="end"' : ''}>${escapeHtml(mark.label)} (${Math.round(mark.at)} ms)</text>`,
    );
  });
  if (rows.length === 0)
    parts.push(`<text x="4" y="${top + 12}" fill="#64748b">no API requests recorded</text>`);
  parts.push('</svg>');
  return parts.join('');
}
