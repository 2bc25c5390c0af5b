/** One thing wrong with a config: where (`form.field`, `login.fields['#email']`) and what was expected. */
export interface ConfigProblem {
  path: string;
  message: string;
}

/** A config that cannot be used: names every field that is wrong and why (exit code 2). */
export class CheckConfigError extends Error {
  override name = 'CheckConfigError';
  /** Every problem found, in the order of the config's fields. Empty for errors that are not about a field. */
  readonly problems: readonly ConfigProblem[];
  constructor(message: string, problems: readonly ConfigProblem[] = []) {
    super(message);
    this.problems = problems;
  }
}
