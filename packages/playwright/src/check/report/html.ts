import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { UrlPattern } from '../../url-pattern.js';
import type { CheckResult } from '../run-check.js';
import { adviceFor, type ReportedScenario, scenarioTitle } from './advice.js';
import { discoveryLines, verdictLine } from './console.js';
import { escapeHtml } from './escape-html.js';
import { type TimelineInput, timelineSvg } from './timeline-svg.js';

/** A scenario as the page shows it: its anchor (also the stem of its screenshots' file names). */
interface Placed {
  scenario: ReportedScenario;
  id: string;
}

const slug = (text: string) =>
  text
    .normalize('NFKD')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '') || 'scenario';

/**
 * Anchors from the names shown (`mid-flight-expiry › new task` → `mid-flight-expiry-new-task`), made unique
 * with a counter: two journeys may slug alike, and each one's screenshots must not overwrite the other's.
 */
export function scenarioIds(scenarios: readonly ReportedScenario[]): string[] {
  const used = new Set<string>();
  return scenarios.map((s) => {
    const base = slug(scenarioTitle(s));
    let id = base;
    for (let n = 2; used.has(id); n++) id = `${base}-${n}`;
    used.add(id);
    return id;
  });
}

/** Text with `code` spans: reasons and advice quote config fields and options that way. */
const withCode = (text: string) => escapeHtml(text).replace(/`([^`]+)`/g, '<code>$1</code>');

function adviceHtml(scenario: ReportedScenario): string {
  const advice = adviceFor(scenario);
  if (!advice) return '';
  const link = advice.link
    ? ` <a href="${escapeHtml(advice.link)}" target="_blank" rel="noopener">Read more</a>`
    : '';
  return `<p class="advice"><b>What to do:</b> ${withCode(advice.text)}.${link}</p>`;
}

function evidenceHtml(scenario: ReportedScenario): string {
  if (!scenario.evidence.length) return '';
  const items = scenario.evidence.map((line) => `<li><code>${escapeHtml(line)}</code></li>`).join('');
  return `<details class="evidence" open><summary>Evidence: requests after the fault was armed</summary><ul>${items}</ul></details>`;
}

/** Writes the screenshots; each thumbnail links to its PNG, so it opens at full size. */
async function shotsHtml(dir: string, { scenario, id }: Placed): Promise<string> {
  const shots: string[] = [];
  for (const which of ['before', 'after'] as const) {
    const png = scenario.screenshots[which];
    if (!png) continue;
    const file = `${id}-${which}.png`;
    await writeFile(join(dir, file), png);
    shots.push(
      `<figure><a class="full-size" href="${file}" target="_blank" title="open at full size"><img src="${file}" alt="${which}: ${escapeHtml(scenarioTitle(scenario))}" loading="lazy"></a><figcaption>${which} · <a href="${file}" target="_blank">full size</a></figcaption></figure>`,
    );
  }
  return shots.length ? `<div class="shots">${shots.join('')}</div>` : '';
}

function scenarioHtml({ scenario: s, id }: Placed, shots: string, refresh: UrlPattern): string {
  const metrics = Object.entries(s.metrics)
    .map(([k, v]) => `<span>${escapeHtml(k)}: <b>${v}</b></span>`)
    .join(' ');
  const timeline: TimelineInput = s.timeline;
  const drawn = timeline.entries.length || timeline.marks.length || timeline.navigations?.length;
  return `<section class="scenario ${s.status}" id="${id}">
  <h2><a class="anchor" href="#${id}">#</a> <span class="badge">${s.status}</span> ${escapeHtml(scenarioTitle(s))}</h2>
  <p class="summary">${escapeHtml(s.summary)}</p>
  <p class="reason">${withCode(s.details)}</p>
  ${adviceHtml(s)}
  ${metrics ? `<p class="metrics">${metrics}</p>` : ''}
  ${evidenceHtml(s)}
  ${drawn ? timelineSvg(timeline, refresh) : ''}
  ${shots}
</section>`;
}

/** One line per scenario at the top, each a link to its section. */
function contentsHtml(placed: readonly Placed[]): string {
  const rows = placed
    .map(
      ({ scenario: s, id }) =>
        `<li class="${s.status}"><span class="badge">${s.status}</span> <a href="#${id}">${escapeHtml(scenarioTitle(s))}</a> — ${withCode(s.details)}</li>`,
    )
    .join('');
  return `<ul class="contents">${rows}</ul>`;
}

/** What the audit found before the scenarios: the credential, the calibration, the notes. */
function discoveryHtml(result: CheckResult): string {
  if (!result.discovery) return '';
  const lines = discoveryLines(result.discovery).map((line) => line.replace(/^\s*· /, ''));
  lines.push(`sign-in: ${result.signIn}`);
  return `<ul class="found">${lines.map((line) => `<li>${escapeHtml(line)}</li>`).join('')}</ul>`;
}

const STYLE = `
body{font:15px/1.45 system-ui,sans-serif;margin:2rem auto;max-width:960px;color:#0f172a;padding:0 1rem}
h1{margin-bottom:.25rem}.verdict{font-size:1.2rem;font-weight:600}.ok{color:#15803d}.bad{color:#b91c1c}
.scenario{border:1px solid #e2e8f0;border-left:6px solid #94a3b8;border-radius:6px;padding:1rem;margin:1.25rem 0}
.scenario.passed{border-left-color:#16a34a}.scenario.failed{border-left-color:#dc2626}.scenario.inconclusive,.scenario.error{border-left-color:#d97706}
.badge{font-size:.75rem;text-transform:uppercase;padding:.1rem .4rem;border-radius:4px;background:#e2e8f0;vertical-align:middle}
.passed .badge{background:#dcfce7}.failed .badge{background:#fee2e2}.inconclusive .badge,.error .badge{background:#fef3c7}.evidence code{font-size:.85rem}
.reason{font-weight:600}.summary,.metrics{color:#475569}.metrics span{margin-right:1rem}
.advice{background:#eff6ff;border-left:3px solid #2563eb;padding:.35rem .6rem;border-radius:4px}.advice a{white-space:nowrap}
.anchor{color:#cbd5e1;text-decoration:none}.anchor:hover{color:#2563eb}
.contents{list-style:none;padding:0}.contents li{margin:.2rem 0}
.timeline{display:block;margin:.5rem 0;max-width:100%;height:auto;background:#f8fafc;border-radius:4px}
.shots{display:flex;gap:1rem}.shots figure{margin:0;flex:1}.shots img{width:100%;border:1px solid #e2e8f0;border-radius:4px;cursor:zoom-in}
figcaption{color:#475569;font-size:.85rem}
`;

const LEGEND = `<p>Legend: <span style="color:#16a34a">■ success</span> · <span style="color:#dc2626">■ 401</span> · <span style="color:#ea580c">■ other error</span> · <span style="color:#2563eb">□ refresh call</span> · <span style="color:#0891b2">◆ page navigation</span> · <code>+token</code> carried a bearer token · <span style="color:#7c3aed"><code>stale</code>/<code>stripped</code> the audit expired its credential</span> · <span style="color:#7c3aed">┆ what the audit did</span></p>`;

/** Writes `index.html` and the screenshots into `dir`; returns the path of the page. */
export async function writeHtmlReport(
  dir: string,
  result: CheckResult,
  { title, target, refresh }: { title: string; target: string; refresh: UrlPattern },
): Promise<string> {
  await mkdir(dir, { recursive: true });
  const scenarios = result.scenarios as readonly ReportedScenario[];
  const ids = scenarioIds(scenarios);
  const placed = scenarios.map((scenario, i): Placed => ({ scenario, id: ids[i]! }));
  const sections: string[] = [];
  for (const p of placed) sections.push(scenarioHtml(p, await shotsHtml(dir, p), refresh));
  const html = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title>
<style>${STYLE}</style></head><body>
<h1>${escapeHtml(title)}</h1>
<p>Target: <code>${escapeHtml(target)}</code></p>
<p class="verdict ${result.passed ? 'ok' : 'bad'}">${escapeHtml(verdictLine(result))}</p>
${discoveryHtml(result)}
${contentsHtml(placed)}
${LEGEND}
${sections.join('\n')}
</body></html>`;
  const file = join(dir, 'index.html');
  await writeFile(file, html);
  return file;
}
