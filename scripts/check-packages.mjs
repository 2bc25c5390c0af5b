// Lints every publishable package as a registry user would receive it: publint for package.json and
// exports, Are The Types Wrong for types under node10/node16/bundler resolution.
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const bin = (name) => join('node_modules', '.bin', name);
const packages = readdirSync('packages')
  .map((dir) => join('packages', dir))
  .filter((dir) => !JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')).private);

for (const dir of packages) {
  console.log(`\n== ${dir}`);
  execFileSync(bin('publint'), ['--strict', dir], { stdio: 'inherit' });
  // node16 profile: the packages need Node >= 20, whose resolution (exports) is what matters; node10 ignores subpaths.
  execFileSync(bin('attw'), ['--pack', dir, '--profile', 'node16', '--format', 'table-flipped'], {
    stdio: 'inherit',
  });
}
