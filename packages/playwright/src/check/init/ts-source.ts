import type { SuccessSignal } from '../config/types.js';

/*
 * Small pieces of TypeScript source for the generated config: literals in the repository's style (single
 * quotes, bare keys where allowed) and comments wrapped to the formatter's width.
 */

const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;
const WIDTH = 110;

/** A string literal in single quotes. */
export function str(value: string): string {
  const escaped = value
    .replace(/\\/g, '\\\\')
    .replace(/'/g, "\\'")
    .replace(/\n/g, '\\n')
    .replace(/\r/g, '\\r')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
  return `'${escaped}'`;
}

/** An object key: bare when it is an identifier, quoted otherwise. */
export function key(name: string): string {
  return IDENTIFIER.test(name) ? name : str(name);
}

/** A success signal as source. */
export function signal(value: SuccessSignal): string {
  if (typeof value === 'string') return str(value);
  if ('selector' in value) return `{ selector: ${str(value.selector)} }`;
  if ('text' in value) return `{ text: ${str(value.text)} }`;
  return `{ dialog: ${value.dialog === true ? 'true' : str(value.dialog)} }`;
}

/**
 * `// text`, wrapped at the formatter's width after `indent`; a line break in `text` starts a new comment
 * line. A comment can never end early: `*\/` cannot close a line comment, and line breaks are handled here.
 */
export function comment(text: string, indent: string): string[] {
  const lines: string[] = [];
  for (const paragraph of text.split('\n')) {
    let line = '';
    for (const word of paragraph.split(/\s+/).filter(Boolean)) {
      const next = line ? `${line} ${word}` : word;
      if (line && indent.length + 3 + next.length > WIDTH) {
        lines.push(`${indent}// ${line}`);
        line = word;
      } else line = next;
    }
    lines.push(line ? `${indent}// ${line}` : `${indent}//`);
  }
  return lines;
}
