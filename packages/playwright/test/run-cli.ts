/** Runs the expiryproof command (or any Node script) as a child process, as a person runs it in a shell. */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';

/** The command's bin (it loads the built dist: `npm run build -w @expiryproof/playwright` first). */
export const CLI = fileURLToPath(new URL('../bin/expiryproof.js', import.meta.url));

export interface RunOptions {
  cwd?: string | undefined;
  /** The child's whole environment (default: this process's). */
  env?: NodeJS.ProcessEnv | undefined;
}

/** `node ...args`, stdin closed: its exit code and everything it printed. */
export async function runNode(args: string[], options: RunOptions = {}) {
  const child = spawn(process.execPath, args, {
    cwd: options.cwd,
    env: options.env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk) => {
    stdout += chunk;
  });
  child.stderr.on('data', (chunk) => {
    stderr += chunk;
  });
  const [code] = await once(child, 'exit');
  return { code: code as number, stdout, stderr };
}

/** `expiryproof ...args`. */
export function runCli(args: string[], options: RunOptions = {}) {
  return runNode([CLI, ...args], options);
}
