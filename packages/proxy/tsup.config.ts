import { defineConfig } from 'tsup';
import { packageBuild } from '../../tsup.base.js';

const shared = packageBuild(['@peculiar/x509', 'reflect-metadata', 'yaml']);

export default defineConfig([
  shared,
  // The CLI: ESM only, with a shebang, no types.
  { ...shared, entry: ['src/cli.ts'], format: ['esm'], dts: false, clean: false },
]);
