// Lints every publishable package as a registry user would receive it: publint for package.json and
// exports, Are The Types Wrong for types under node10/node16/bundler resolution, and the tarball's own
// contents (`npm pack --dry-run`): a LICENSE, the metadata a registry page links to, no source maps or
// sources (the output is readable as it is), and no TypeScript loader forced on every install.
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

const problems = [];
for (const dir of packages) {
  const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
  const [packed] = JSON.parse(
    execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts=false'], {
      cwd: dir,
      encoding: 'utf8',
    }),
  );
  const files = packed.files.map((f) => f.path);
  const say = (what) => problems.push(`${manifest.name}: ${what}`);
  for (const needed of ['LICENSE', 'README.md', 'package.json'])
    if (!files.includes(needed)) say(`the tarball has no ${needed}`);
  for (const file of files.filter((f) => f.endsWith('.map') || f.startsWith('src/')))
    say(`the tarball ships ${file}`);
  if (manifest.license !== 'MIT') say('license is not MIT');
  if (!manifest.repository?.url || !manifest.repository?.directory) say('no repository { url, directory }');
  if (!manifest.homepage) say('no homepage');
  if (!manifest.bugs?.url) say('no bugs.url');
  for (const heavy of ['tsx', 'esbuild'])
    if (manifest.dependencies?.[heavy]) say(`${heavy} is a dependency of every install`);
  console.log(`${manifest.name}: ${files.length} files, ${(packed.size / 1024).toFixed(1)} KiB packed`);
}
if (problems.length) {
  console.error(`\n${problems.join('\n')}`);
  process.exit(1);
}
