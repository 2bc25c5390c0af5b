// `npm pack` / `npm publish` hook of every package: the one LICENSE at the repository root goes into each
// tarball (npm takes a LICENSE only from the package's own folder). The copy is git-ignored.
import { copyFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

copyFileSync(join(dirname(fileURLToPath(import.meta.url)), '..', 'LICENSE'), join(process.cwd(), 'LICENSE'));
