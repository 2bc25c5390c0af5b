import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { UrlPattern } from '../../url-pattern.js';
import type { CheckResult } from '../run-check.js';
import { discoveryLines, verdictLine } from './console.js';
import { escapeHtml } from './escape-html.js';
import { timelineSvg } from './timeline-svg.js';

/** Writes `index.html` and the screenshots into `dir`; returns the path of the page. */
export async function writeHtmlReport(
  dir: string,
  result: CheckResult,
  { title, target, refresh }: { title: string; target: string; refresh: UrlPattern },
): Promise<string> {
  await mkdir(dir, { recursive: true });
  const sections: string[] = [];
  for (const s of result.scenarios) {
    const shots: string[] = [];
    for (const which of ['before', 'after'] as const) {
      const png = s.screenshots[which];
      if (!png) continue;
      const file = `${s.name}-${which}.png`;
      await writeFile(join(dir, file), png);
      shots.push(
        `<figure><img src="${file}" alt="${which}: ${escapeHtml(s.name)}" loading="lazy"><figcaption>${which}</figcaption></figure>`,
      );
    }
    const evidence = s.evidence.length
      ? `<details class="evidence" open><summary>Evidence: requests after the fault was armed</summary><ul>${s.evidence.map((line) => `<li><code>${escapeHtml(line)}</code></li>`).join('')}</ul></details>`
      : '';
    const metrics = Object.entries(s.metrics)
      .map(([k, v]) => `<span>${escapeHtml(k)}: <b>${v}</b></span>`)
      .join(' ');
    sections.push(`<section class="scenario ${s.status}" id="${s.name}">
  <h2><span class="badge">${s.status}</span> ${escapeHtml(s.name)}</h2>
  <p class="summary">${escapeHtml(s.summary)}</p>
  <p class="reason">${escapeHtml(s.details)}</p>
  <p class="metrics">${metrics}</p>
  ${evidence}
  ${s.timeline.entries.length || s.timeline.marks.length ? timelineSvg(s.timeline.entries, s.timeline.marks, refresh) : ''}
  <div class="shots">${shots.join('')}</div>
</section>`);
  }
  const found = result.discovery
    ? `<ul class="found">${discoveryLines(result.discovery)
        .map((line) => `<li>${escapeHtml(line.replace(/^\s*· /, ''))}</li>`)
        .join('')}<li>${escapeHtml(`sign-in: ${result.signIn}`)}</li></ul>`
    : '';
  const html = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title>
<style>
body{font:15px/1.45 system-ui,sans-serif;margin:2rem auto;max-width:960px;color:#0f172a;padding:0 1rem}
h1{margin-bottom:.25rem}.verdict{font-size:1.2rem;font-weight:600}.ok{color:#15803d}.bad{color:#b91c1c}
.scenario{border:1px solid #e2e8f0;border-left:6px solid #94a3b8;border-radius:6px;padding:1rem;margin:1.25rem 0}
.scenario.passed{border-left-color:#16a34a}.scenario.failed{border-left-color:#dc2626}.scenario.inconclusive,.scenario.error{border-left-color:#d97706}
.badge{font-size:.75rem;text-transform:uppercase;padding:.1rem .4rem;border-radius:4px;background:#e2e8f0;vertical-align:middle}
.passed .badge{background:#dcfce7}.failed .badge{background:#fee2e2}.inconclusive .badge,.error .badge{background:#fef3c7}.evidence code{font-size:.85rem}
.reason{font-weight:600}.summary,.metrics{color:#475569}.metrics span{margin-right:1rem}
.timeline{display:block;margin:.5rem 0;max-width:100%;height:auto;background:#f8fafc;border-radius:4px}
.shots{display:flex;gap:1rem}.shots figure{margin:0;flex:1}.shots img{width:100%;border:1px solid #e2e8f0;border-radius:4px}
figcaption{color:#475569;font-size:.85rem}
</style></head><body>
<h1>${escapeHtml(title)}</h1>
<p>Target: <code>${escapeHtml(target)}</code></p>
<p class="verdict ${result.passed ? 'ok' : 'bad'}">${escapeHtml(verdictLine(result))}</p>
${found}
<p>Legend: <span style="color:#16a34a">■ success</span> · <span style="color:#dc2626">■ 401</span> · <span style="color:#ea580c">■ other error</span> · <span style="color:#2563eb">□ refresh call</span> · <code>+token</code> carried a bearer token · <code>stale</code>/<code>stripped</code> the audit expired its credential · <span style="color:#7c3aed">┆ what the audit did</span></p>
${sections.join('\n')}
</body></html>`;
  const file = join(dir, 'index.html');
  await writeFile(file, html);
  return file;
}
