import { defineConfig } from 'tsup';
import { packageBuild } from '../../tsup.base.js';

// Two entries: the optional peer better-sqlite3 is imported by `/sqlite` only, never by the main entry.
export default defineConfig({
  ...packageBuild(['jose', 'better-sqlite3']),
  entry: ['src/index.ts', 'src/sqlite.ts'],
});
