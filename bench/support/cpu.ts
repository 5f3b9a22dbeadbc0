/** CPU seconds per process, from /proc (utime + stime), for the benchmarks' "where the time goes" lines. */
import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';

const TICKS = 100;

/** CPU seconds of one process so far; with its waited-for children when asked (0 when it is gone). */
export async function cpuOf(pid: number, withChildren = false): Promise<number> {
  try {
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ').map(Number);
    // Fields after the command: state(0) ppid(1) … utime(11) stime(12) cutime(13) cstime(14)
    return (f[11]! + f[12]! + (withChildren ? f[13]! + f[14]! : 0)) / TICKS;
  } catch {
    return 0;
  }
}

/**
 * PostgreSQL's CPU seconds so far (the postmaster, its exited and live backends), when it is the embedded server
 * a benchmark started in `dataDir`; NaN otherwise.
 */
export async function postgresCpu(dataDir: string | undefined): Promise<number> {
  if (!dataDir || !existsSync(path.join(dataDir, 'pg/postmaster.pid'))) return NaN;
  const postmaster = Number((await readFile(path.join(dataDir, 'pg/postmaster.pid'), 'utf8')).split('\n')[0]);
  let total = await cpuOf(postmaster, true);
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = await readFile(`/proc/${entry}/stat`, 'utf8');
      if (Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) === postmaster) total += await cpuOf(Number(entry));
    } catch {
      // gone
    }
  }
  return total;
}
