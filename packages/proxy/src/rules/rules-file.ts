import { readFile } from 'node:fs/promises';
import { parse as parseYaml } from 'yaml';
import { ProxyConfigError } from '../errors.js';
import type { RuleInput } from './types.js';
import { ruleProblems } from './validate.js';

/**
 * Reads rules from a JSON or YAML file: a list of rules, or `{ rules: [...] }`. Every rule is checked, and
 * all problems are reported with the file's name.
 * @throws {ProxyConfigError}
 */
export async function readRulesFile(path: string): Promise<RuleInput[]> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new ProxyConfigError(
      `cannot read rules file ${path} (${(error as NodeJS.ErrnoException).code ?? 'error'})`,
      {
        cause: error,
      },
    );
  }
  return parseRules(text, path);
}

/** Parses rules text (JSON is YAML too). @throws {ProxyConfigError} */
export function parseRules(text: string, source: string): RuleInput[] {
  let data: unknown;
  try {
    data = parseYaml(text);
  } catch (error) {
    throw new ProxyConfigError(
      `${source}: not valid JSON or YAML: ${(error as Error).message.split('\n')[0]}`,
      { cause: error },
    );
  }
  const rules = Array.isArray(data)
    ? data
    : isObject(data) && 'action' in data
      ? [data]
      : isObject(data)
        ? data.rules
        : undefined;
  if (!Array.isArray(rules))
    throw new ProxyConfigError(`${source}: expected a rule, a list of rules, or { rules: [...] }`);
  const problems = rules.flatMap((rule, i) => ruleProblems(rule, `${source}: rules[${i}]`));
  if (problems.length) throw new ProxyConfigError(problems);
  return rules as RuleInput[];
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
