/** Flags every command takes. */
export const COMMON = {
  api: { type: 'string' },
  'api-key': { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;
