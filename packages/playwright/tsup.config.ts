import { defineConfig } from 'tsup';
import { packageBuild } from '../../tsup.base.js';

const shared = packageBuild(['@playwright/test', 'tsx', 'tsx/esm/api']);

export default defineConfig([
  { ...shared, entry: ['src/index.ts', 'src/check.ts'] },
  // The CLI: ESM only, with a shebang, no types.
  { ...shared, entry: ['src/cli.ts'], format: ['esm'], dts: false, clean: false },
]);
