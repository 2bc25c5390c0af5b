import { readFileSync } from 'node:fs';

/** `/proc` reports CPU time in USER_HZ ticks, fixed at 100 per second on Linux whatever the kernel's HZ. */
const TICKS_PER_SECOND = 100;

/**
 * CPU seconds a process has used so far (user + system), from `/proc/<pid>/stat`; undefined where there is no
 * `/proc` (macOS). CPU time per request is what a server's work costs even when other programs share the
 * cores, which throughput on a busy machine is not.
 */
export function cpuSeconds(pid: number | undefined): number | undefined {
  if (pid === undefined) return undefined;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name (which may hold spaces, hence the last ")"): state is [0], utime [11], stime [12].
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND;
  } catch {
    return undefined;
  }
}
