// Every TypeScript block of every README, and of every page under docs/, compiles as written under `strict`
// (#14, finding 8).
//
// Each ```ts / ```tsx / ```typescript block becomes its own module in a temporary ESM project whose
// node_modules is the repository's, so `@expiryproof/*` resolve as they do for a user: through the
// packages' `exports` to their BUILT types (packages/*/dist, made by `npm run build`), and axios, react and
// @playwright/test from node_modules. All blocks are checked in one program. A block that is not meant to
// compile (pseudo-code, output) is tagged `text`, not TypeScript.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { afterAll, expect, test } from 'vitest';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const extensions: Record<string, '.ts' | '.tsx'> = { ts: '.ts', typescript: '.ts', tsx: '.tsx' };

interface Block {
  readme: string; // relative to the repository root
  index: number; // 1-based, among the README's TypeScript blocks
  line: number; // the README line of the block's first line of code
  file: string;
}

function findReadmes(dir: string, out: string[] = []): string[] {
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    if (entry.isDirectory()) {
      if (entry.name === 'node_modules' || entry.name.startsWith('.')) continue;
      if (['dist', 'build', 'test-results', 'playwright-report', 'coverage'].includes(entry.name)) continue;
      findReadmes(path.join(dir, entry.name), out);
    } else if (
      entry.name.toLowerCase() === 'readme.md' ||
      (entry.name.endsWith('.md') && path.relative(root, dir).split(path.sep)[0] === 'docs')
    ) {
      out.push(path.join(dir, entry.name));
    }
  }
  return out.sort();
}

/** The fenced blocks tagged ts, tsx or typescript, with the README line each one's code starts on. */
function extractBlocks(markdown: string): { lang: string; line: number; code: string }[] {
  const lines = markdown.split(/\r?\n/);
  const blocks: { lang: string; line: number; code: string }[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = /^(\s*)(`{3,}|~{3,})\s*([^\s`]*)/.exec(lines[i] ?? '');
    if (!open) continue;
    const [, indent = '', fence = '', info = ''] = open;
    const body: string[] = [];
    let j = i + 1;
    for (; j < lines.length; j++) {
      const text = lines[j] ?? '';
      if (text.trim().startsWith(fence) && text.trim().replaceAll(fence[0] ?? '`', '') === '') break;
      body.push(text.startsWith(indent) ? text.slice(indent.length) : text.trimStart());
    }
    const lang = info.toLowerCase();
    if (lang in extensions) blocks.push({ lang, line: i + 2, code: `${body.join('\n')}\n` });
    i = j;
  }
  return blocks;
}

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'readme-examples-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

test('every TypeScript block of every README compiles under strict', { timeout: 120_000 }, () => {
  const missing = ['core', 'axios', 'react', 'vue', 'angular', 'playwright', 'proxy', 'server']
    .map((pkg) => `packages/${pkg}/dist/index.d.ts`)
    .filter((file) => !fs.existsSync(path.join(root, file)));
  expect(missing, 'the READMEs are checked against the built types: run `npm run build` first').toEqual([]);

  // A user's ESM project: its package.json says "type": "module", its node_modules is ours (workspace links).
  fs.writeFileSync(path.join(dir, 'package.json'), '{ "type": "module" }\n');
  fs.symlinkSync(path.join(root, 'node_modules'), path.join(dir, 'node_modules'), 'dir');
  // In a Node project (no DOM lib) `Response#json()` resolves to `unknown`, where the DOM lib says `any`; this
  // overload, listed first, makes it `unknown` here too, so a block that compiles here compiles in both.
  fs.writeFileSync(path.join(dir, 'strict-json.d.ts'), 'interface Body {\n  json(): Promise<unknown>;\n}\n');

  const blocks: Block[] = [];
  const readmes = findReadmes(root);
  for (const readme of readmes) {
    const relative = path.relative(root, readme).split(path.sep).join('/');
    const slug = relative.replace(/\/?README\.md$/i, '').replace(/[^\w]+/g, '-') || 'root';
    extractBlocks(fs.readFileSync(readme, 'utf8')).forEach((block, i) => {
      const file = path.join(dir, `${slug}-${i + 1}${extensions[block.lang]}`);
      fs.writeFileSync(file, block.code);
      blocks.push({ readme: relative, index: i + 1, line: block.line, file });
    });
  }
  expect(blocks.length).toBeGreaterThan(0);

  const { options, errors } = ts.convertCompilerOptionsFromJson(
    {
      strict: true,
      noEmit: true,
      target: 'es2022',
      module: 'nodenext',
      moduleResolution: 'nodenext',
      moduleDetection: 'force',
      lib: ['es2022', 'dom', 'dom.iterable'],
      jsx: 'react-jsx',
      types: ['node'],
      skipLibCheck: true,
    },
    dir,
  );
  expect(errors.map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'))).toEqual([]);
  const program = ts.createProgram({
    rootNames: [path.join(dir, 'strict-json.d.ts'), ...blocks.map((b) => b.file)],
    options,
  });

  const byFile = new Map(blocks.map((b) => [path.resolve(b.file), b]));
  const problems = ts.getPreEmitDiagnostics(program).map((d) => {
    const message = `TS${d.code}: ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`;
    const block = d.file && byFile.get(path.resolve(d.file.fileName));
    if (!d.file || d.start === undefined) return message;
    const { line, character } = d.file.getLineAndCharacterOfPosition(d.start);
    if (!block) return `${d.file.fileName}:${line + 1}:${character + 1} ${message}`;
    return `${block.readme}:${block.line + line}:${character + 1} (TypeScript block ${block.index}) ${message}`;
  });
  if (problems.length > 0) {
    expect.fail(`README TypeScript that does not compile under strict:\n\n${problems.join('\n\n')}\n`);
  }

  // The checked types were the built ones, reached through each package's `exports`.
  const fromSources = program
    .getSourceFiles()
    .map((f) => path.relative(root, f.fileName).split(path.sep).join('/'))
    .filter((f) => /^packages\/[^/]+\/(?!dist\/)/.test(f));
  expect(fromSources).toEqual([]);
});
