/**
 * The glob language of rules (paths and hosts): `*` (any run of characters but `/`), `?` (one character but
 * `/`), `[a-z]` / `[!a-z]` (one character of a class, never `/`), `**` as a whole path segment (any number of
 * segments), `{a,b}` alternatives (nested too), and `\` to escape. No extglobs (`@(a|b)`, `*(…)`, `!(…)`), no
 * `{1..3}` ranges, no leading `!`: they are refused with a message rather than read in a surprising way.
 *
 * A glob parses to a short list of alternatives, each a flat list of tokens, which `glob-match` runs without
 * backtracking.
 */
export type GlobToken =
  | { readonly kind: 'char'; readonly code: number }
  | { readonly kind: 'one' }
  | {
      readonly kind: 'class';
      readonly negated: boolean;
      readonly ranges: ReadonlyArray<readonly [number, number]>;
    }
  | { readonly kind: 'star' }
  | { readonly kind: 'any' };

export type GlobAlternative = readonly GlobToken[];

/** Bounds that keep one rule's matching cost small whatever it is given. */
export const GLOB_LIMITS = { length: 512, alternatives: 64 } as const;

type Parsed = { alternatives: GlobAlternative[]; problem?: undefined } | { problem: string };

/** Parses one glob into its alternatives, or says what is wrong with it. */
export function parseGlob(pattern: string): Parsed {
  if (pattern.length > GLOB_LIMITS.length)
    return { problem: `is longer than ${GLOB_LIMITS.length} characters` };
  if (pattern.startsWith('!')) return { problem: 'negation ("!…") is not supported: use "unless"' };
  const expanded = expandBraces(pattern);
  if (typeof expanded === 'string') return { problem: expanded };
  const alternatives: GlobAlternative[] = [];
  for (const flat of expanded) {
    const tokens = tokenize(flat);
    if (typeof tokens === 'string') return { problem: tokens };
    alternatives.push(...expandGlobstars(tokens));
    if (alternatives.length > GLOB_LIMITS.alternatives) return { problem: tooMany() };
  }
  return { alternatives: alternatives.map(mergeStars) };
}

const tooMany = () =>
  `expands to more than ${GLOB_LIMITS.alternatives} alternatives ({…} and ** multiply): split it over several rules`;

/** `/a/{b,c}/d` → `/a/b/d`, `/a/c/d`; braces inside `[…]` or escaped are left alone. */
function expandBraces(pattern: string): string[] | string {
  const open = findUnescaped(pattern, '{', 0);
  if (open === -1) {
    const stray = findUnescaped(pattern, '}', 0);
    return stray === -1 ? [pattern] : 'has a "}" without its "{" (escape it as \\} to match it)';
  }
  const parts: string[] = [];
  let depth = 0;
  let start = open + 1;
  let close = -1;
  for (let i = open + 1; i < pattern.length && close === -1; i++) {
    const c = pattern[i];
    if (c === '\\') i++;
    else if (c === '[') i = classEnd(pattern, i);
    else if (c === '{') depth++;
    else if (c === '}' && depth > 0) depth--;
    else if (c === '}') {
      parts.push(pattern.slice(start, i));
      close = i;
    } else if (c === ',' && depth === 0) {
      parts.push(pattern.slice(start, i));
      start = i + 1;
    }
  }
  if (close === -1) return 'has a "{" without its "}" (escape it as \\{ to match it)';
  if (parts.length === 1 && /^(?:-?\d+|[a-z])\.\.(?:-?\d+|[a-z])(?:\.\.\d+)?$/i.test(parts[0] as string))
    return `ranges like {${parts[0]}} are not supported: list the values, like {1,2,3}`;
  const head = pattern.slice(0, open);
  const tail = pattern.slice(close + 1);
  const out: string[] = [];
  for (const part of parts) {
    const rest = expandBraces(head + part + tail);
    if (typeof rest === 'string') return rest;
    out.push(...rest);
    if (out.length > GLOB_LIMITS.alternatives) return tooMany();
  }
  return out;
}

function findUnescaped(text: string, char: string, from: number): number {
  for (let i = from; i < text.length; i++) {
    if (text[i] === '\\') i++;
    else if (text[i] === '[') i = classEnd(text, i);
    else if (text[i] === char) return i;
  }
  return -1;
}

/** Index of the `]` closing the class opened at `open`, or `open` itself when there is none. */
function classEnd(text: string, open: number): number {
  let i = open + 1;
  if (text[i] === '!' || text[i] === '^') i++;
  if (text[i] === ']') i++; // `[]a]`: a leading "]" is a member
  for (; i < text.length; i++) {
    if (text[i] === '\\') i++;
    else if (text[i] === ']') return i;
  }
  return open;
}

const GLOBSTAR = Symbol('globstar');
type Raw = GlobToken | typeof GLOBSTAR;

/** A brace-free glob as tokens; `**` standing as a whole segment is kept as a marker for {@link expandGlobstars}. */
function tokenize(glob: string): Raw[] | string {
  const out: Raw[] = [];
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i] as string;
    const next = glob[i + 1];
    if ('@*+?!'.includes(c) && next === '(')
      return `extglobs like "${c}(…)" are not supported (matching them can stall the proxy): use {a,b} for alternatives`;
    if (c === '\\') {
      if (next === undefined) return 'ends with a lone "\\"';
      out.push({ kind: 'char', code: glob.charCodeAt(++i) });
    } else if (c === '?') out.push({ kind: 'one' });
    else if (c === '*') {
      let end = i;
      while (glob[end + 1] === '*') end++;
      const wholeSegment =
        end > i && (i === 0 || glob[i - 1] === '/') && (end === glob.length - 1 || glob[end + 1] === '/');
      out.push(wholeSegment ? GLOBSTAR : { kind: 'star' });
      i = end;
    } else if (c === '[') {
      const close = classEnd(glob, i);
      if (close === i) return 'has a "[" without its "]" (escape it as \\[ to match it)';
      const parsed = parseClass(glob.slice(i + 1, close));
      if (typeof parsed === 'string') return parsed;
      out.push(parsed);
      i = close;
    } else out.push({ kind: 'char', code: glob.charCodeAt(i) });
  }
  return out;
}

function parseClass(body: string): GlobToken | string {
  if (body.includes('[:'))
    return 'POSIX classes like [[:alpha:]] are not supported: write the range, like [a-zA-Z]';
  const negated = body.startsWith('!') || body.startsWith('^');
  const members: Array<{ code: number; escaped: boolean }> = [];
  for (let i = negated ? 1 : 0; i < body.length; i++) {
    const escaped = body[i] === '\\';
    if (escaped) i++;
    members.push({ code: body.charCodeAt(i), escaped });
  }
  const ranges: Array<[number, number]> = [];
  for (let i = 0; i < members.length; i++) {
    const from = (members[i] as { code: number }).code;
    const dash = members[i + 1];
    const end = members[i + 2];
    // "a-z" is a range; a "-" first, last or escaped is itself.
    if (dash && !dash.escaped && dash.code === 45 && end) {
      if (end.code < from)
        return `has a backwards range ${String.fromCharCode(from)}-${String.fromCharCode(end.code)}`;
      ranges.push([from, end.code]);
      i += 2;
    } else ranges.push([from, from]);
  }
  return { kind: 'class', negated, ranges };
}

/**
 * `**` as a whole segment matches any number of segments, none included: `/api/**` is `/api` or `/api/…`,
 * `**​/x` is `x` or `…/x`, `/a/**​/b` is `/a/b` or `/a/…/b`. Each such `**` doubles the alternatives.
 */
function expandGlobstars(tokens: Raw[]): GlobToken[][] {
  const at = tokens.indexOf(GLOBSTAR);
  if (at === -1) return [tokens as GlobToken[]];
  const before = tokens.slice(0, at);
  const after = tokens.slice(at + 1);
  const any: GlobToken = { kind: 'any' };
  if (!before.length && !after.length) return [[any]];
  // `**/rest`: rest, or anything then /rest.
  if (!before.length) return [...expandGlobstars(after.slice(1)), ...expandGlobstars([any, ...after])];
  // `before/**`: before without its slash, or before/anything.
  if (!after.length) return [...expandGlobstars(before.slice(0, -1)), ...expandGlobstars([...before, any])];
  // `before/**/rest`: before/rest, or before/anything/rest.
  return [...expandGlobstars([...before, ...after.slice(1)]), ...expandGlobstars([...before, any, ...after])];
}

/** Adjacent stars are one star (and `any` wins over `star`): the matcher relies on no two in a row. */
function mergeStars(tokens: GlobAlternative): GlobAlternative {
  const out: GlobToken[] = [];
  for (const token of tokens) {
    const last = out[out.length - 1];
    const starLike = (t: GlobToken | undefined) => t?.kind === 'star' || t?.kind === 'any';
    if (starLike(token) && starLike(last)) {
      if (token.kind === 'any') out[out.length - 1] = token;
    } else out.push(token);
  }
  return out;
}

/** The literal text of an alternative, or undefined when it has a wildcard. */
export function literalOf(tokens: GlobAlternative): string | undefined {
  let text = '';
  for (const token of tokens) {
    if (token.kind !== 'char') return undefined;
    text += String.fromCharCode(token.code);
  }
  return text;
}

/** The literal text an alternative's matches must start with. */
export function literalPrefixOf(tokens: GlobAlternative): string {
  let text = '';
  for (const token of tokens) {
    if (token.kind !== 'char') break;
    text += String.fromCharCode(token.code);
  }
  return text;
}
