/**
 * Rules or options the proxy cannot accept. `problems` lists every issue found, each naming the field
 * (`rules[1].action.status: …`), so one round trip fixes them all.
 */
export class ProxyConfigError extends Error {
  override name = 'ProxyConfigError';
  readonly problems: string[];

  constructor(problems: string[] | string, options?: { cause?: unknown }) {
    const list = Array.isArray(problems) ? problems : [problems];
    super(list.length === 1 ? list[0] : `${list.length} problems:\n- ${list.join('\n- ')}`, options);
    this.problems = list;
  }
}

/** The control API answered with an error (or could not be reached): `status` and `code` as it sent them. */
export class ProxyApiError extends Error {
  override name = 'ProxyApiError';
  readonly status: number;
  readonly code: string;
  readonly problems: string[];

  constructor(
    status: number,
    code: string,
    message: string,
    problems: string[] = [],
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.status = status;
    this.code = code;
    this.problems = problems;
  }
}
