import { type GlobAlternative, type GlobToken, literalOf, literalPrefixOf, parseGlob } from './glob-parse.js';

/**
 * Most automaton states one rule's globs may need together. The matcher does about a dozen integer operations
 * per 32 states per character, so this bounds what one rule can cost a request: about 0.4 ms for a path of
 * 16 KiB (Node's default limit for a request head) at this bound, measured on one laptop-class core.
 */
export const MAX_GLOB_STATES = 128;

/** What is wrong with each glob of a list (each message names its glob), and the states they need together. */
export function globListProblems(patterns: readonly string[]): { problems: string[]; states: number } {
  const problems: string[] = [];
  let states = 0;
  for (const pattern of patterns) {
    const parsed = parseGlob(pattern);
    if (parsed.problem !== undefined) problems.push(`${JSON.stringify(pattern)} ${parsed.problem}`);
    else states += statesOf(parsed.alternatives);
  }
  return { problems, states };
}

/** The message for globs over {@link MAX_GLOB_STATES}. */
export function tooManyStates(states: number): string {
  return `the globs need ${states} matcher states together (at most ${MAX_GLOB_STATES}): shorten them or split them over several rules`;
}

/** States of the alternatives that need the automaton (literal ones are looked up in a set). */
function statesOf(alternatives: readonly GlobAlternative[]): number {
  let states = 0;
  for (const tokens of alternatives) if (literalOf(tokens) === undefined) states += tokens.length + 1;
  return states;
}

/**
 * One test for a list of globs, true when any matches the whole value. Literal alternatives are a set lookup;
 * the rest share one automaton simulated bit-parallel (shift-and), which reads each character once and keeps
 * no backtracking state: its cost is linear in the value's length whatever the globs.
 * @throws {TypeError} on a glob {@link globListProblems} would have refused
 */
export function compileGlobs(patterns: readonly string[]): (value: string) => boolean {
  const exact = new Set<string>();
  const automaton: GlobAlternative[] = [];
  for (const pattern of patterns) {
    const parsed = parseGlob(pattern);
    if (parsed.problem !== undefined)
      throw new TypeError(`glob ${JSON.stringify(pattern)} ${parsed.problem}`);
    for (const tokens of parsed.alternatives) {
      const literal = literalOf(tokens);
      if (literal === undefined) automaton.push(tokens);
      else exact.add(literal);
    }
  }
  if (!automaton.length) return (value) => exact.has(value);
  const run = shiftAnd(automaton);
  // The literal start every match of the automaton needs: most requests fail it and never run the automaton.
  const prefixes = [...new Set(automaton.map(literalPrefixOf))];
  const anyPrefix = prefixes.includes('');
  return (value) => {
    if (exact.has(value)) return true;
    if (!anyPrefix && !startsWithAny(value, prefixes)) return false;
    return run(value);
  };
}

function startsWithAny(value: string, prefixes: readonly string[]): boolean {
  for (let i = 0; i < prefixes.length; i++) if (value.startsWith(prefixes[i] as string)) return true;
  return false;
}

const SLASH = 47;
/** Characters below this have a precomputed row of the transition table; others are computed when seen. */
const TABLE_CODES = 128;

/**
 * The alternatives laid end to end, one state per token plus an accepting state after each. A set bit means
 * "the next character may be matched by this token". Per character: tokens that accept it pass their bit to
 * the next state (a shift), star tokens also keep theirs (a loop), then a star's bit lets the state after it
 * start too (a star may match nothing; stars never follow stars, so one step suffices).
 */
function shiftAnd(alternatives: readonly GlobAlternative[]): (value: string) => boolean {
  const tokens: Array<GlobToken | null> = [];
  const starts: number[] = [];
  for (const alternative of alternatives) {
    starts.push(tokens.length);
    tokens.push(...alternative, null);
  }
  const words = Math.ceil(tokens.length / 32);
  const star = new Int32Array(words);
  const accept = new Int32Array(words);
  const initial = new Int32Array(words);
  const setBit = (mask: Int32Array, i: number) => {
    mask[i >>> 5] = (mask[i >>> 5] as number) | (1 << (i & 31));
  };
  tokens.forEach((token, i) => {
    if (token === null) setBit(accept, i);
    else if (token.kind === 'star' || token.kind === 'any') setBit(star, i);
  });
  for (const start of starts) {
    setBit(initial, start);
    if (tokens[start]?.kind === 'star' || tokens[start]?.kind === 'any') setBit(initial, start + 1);
  }
  const rowOf = (code: number, row: Int32Array, offset: number) => {
    row.fill(0, offset, offset + words);
    tokens.forEach((token, i) => {
      if (token && accepts(token, code))
        row[offset + (i >>> 5)] = (row[offset + (i >>> 5)] as number) | (1 << (i & 31));
    });
  };
  const table = new Int32Array(TABLE_CODES * words);
  for (let code = 0; code < TABLE_CODES; code++) rowOf(code, table, code * words);
  const wide = new Int32Array(words);
  if (words === 1)
    return singleWord(table, wide, rowOf, star[0] as number, initial[0] as number, accept[0] as number);
  // Reused by every call: matching is synchronous, so no two calls ever share it at once.
  const state = new Int32Array(words);

  return (value) => {
    for (let w = 0; w < words; w++) state[w] = initial[w] as number;
    for (let i = 0; i < value.length; i++) {
      const code = value.charCodeAt(i);
      let row = table;
      let offset = code * words;
      if (code >= TABLE_CODES) {
        rowOf(code, wide, 0);
        row = wide;
        offset = 0;
      }
      let alive = 0;
      let stepCarry = 0;
      let closeCarry = 0;
      for (let w = 0; w < words; w++) {
        const matched = (state[w] as number) & (row[offset + w] as number);
        const loops = star[w] as number;
        const step = matched & ~loops;
        let next = (step << 1) | stepCarry | (matched & loops);
        stepCarry = step >>> 31;
        const opened = next & loops;
        next |= (opened << 1) | closeCarry;
        closeCarry = opened >>> 31;
        state[w] = next;
        alive |= next;
      }
      if (alive === 0) return false;
    }
    for (let w = 0; w < words; w++) if (((state[w] as number) & (accept[w] as number)) !== 0) return true;
    return false;
  };
}

/**
 * The same automaton when it fits one 32-bit word, as nearly every real glob does: the state lives in a local,
 * with no typed-array traffic per character.
 */
function singleWord(
  table: Int32Array,
  wide: Int32Array,
  rowOf: (code: number, row: Int32Array, offset: number) => void,
  loops: number,
  initial: number,
  accept: number,
): (value: string) => boolean {
  return (value) => {
    let state = initial;
    for (let i = 0; i < value.length; i++) {
      const code = value.charCodeAt(i);
      let row: number;
      if (code < TABLE_CODES) row = table[code] as number;
      else {
        rowOf(code, wide, 0);
        row = wide[0] as number;
      }
      const matched = state & row;
      const step = matched & ~loops;
      let next = (step << 1) | (matched & loops);
      next |= (next & loops) << 1;
      if (next === 0) return false;
      state = next;
    }
    return (state & accept) !== 0;
  };
}

function accepts(token: GlobToken, code: number): boolean {
  switch (token.kind) {
    case 'char':
      return token.code === code;
    case 'any':
      return true;
    case 'one':
    case 'star':
      return code !== SLASH;
    case 'class': {
      if (code === SLASH) return false;
      const inside = token.ranges.some(([from, to]) => code >= from && code <= to);
      return inside !== token.negated;
    }
  }
}
