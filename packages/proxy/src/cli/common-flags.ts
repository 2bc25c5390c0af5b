/** Flags every command takes. */
export const COMMON = {
  api: { type: 'string' },
  'api-key-file': { type: 'string' },
  // Parsed only to be refused with a message: a key in argv is visible to every user of the machine (`ps`).
  'api-key': { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;
