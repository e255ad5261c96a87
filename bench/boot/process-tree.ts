// RSS of a process and all its descendants, plus the PostgreSQL server (pg_ctl starts it in its
// own session, so it is not our descendant): read from /proc, in KiB.
import fs from 'node:fs/promises';

async function table(): Promise<Map<number, { ppid: number; rssKb: number }>> {
  const out = new Map<number, { ppid: number; rssKb: number }>();
  for (const entry of await fs.readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const status = await fs.readFile(`/proc/${entry}/status`, 'utf8').catch(() => '');
    const ppid = Number(/PPid:\s+(\d+)/.exec(status)?.[1] ?? -1);
    const rssKb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
    out.set(Number(entry), { ppid, rssKb });
  }
  return out;
}

function subtreeRss(procs: Map<number, { ppid: number; rssKb: number }>, root: number): number {
  let total = procs.get(root)?.rssKb ?? 0;
  for (const [pid, p] of procs) if (p.ppid === root) total += subtreeRss(procs, pid);
  return total;
}

export async function processTreeRss({ rootPid, postmasterPidFile }: { rootPid: number; postmasterPidFile: string }) {
  const procs = await table();
  const postmaster = Number((await fs.readFile(postmasterPidFile, 'utf8').catch(() => '')).split('\n')[0]);
  return { tree: subtreeRss(procs, rootPid), postgres: postmaster ? subtreeRss(procs, postmaster) : 0 };
}
