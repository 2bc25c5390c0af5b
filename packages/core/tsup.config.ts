import { defineConfig } from 'tsup';
import { packageBuild } from '../../tsup.base.js';

export default defineConfig({
  ...packageBuild(),
  entry: ['src/index.ts', 'src/engine.ts', 'src/channel-locks.ts', 'src/reauth-controller.ts'],
});
