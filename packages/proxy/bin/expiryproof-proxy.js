#!/usr/bin/env node
// The command's entry point is a file that exists before the build, so npm links the command on install even in a
// fresh clone of the repository (where dist/ appears only when the packages are built).
import('../dist/cli.js').catch((error) => {
  if (error?.code === 'ERR_MODULE_NOT_FOUND' && String(error.message).includes('cli.js')) {
    console.error(
      'expiryproof-proxy: this package is not built yet; run `npm run build` in the repository first',
    );
    process.exit(2);
  }
  throw error;
});
