/**
 * CPU time of processes from /proc (Linux). CPU time is the figure that other load on the machine disturbs
 * least (rates drop when others take the cores; the work done does not change much).
 */
import fs from "node:fs";

export interface ProcStat {
  ppid: number;
  /** utime + stime, in milliseconds (the kernel counts 1/100 s ticks). */
  cpuMs: number;
  /** cutime + cstime: the CPU time of children that exited and were waited for, in milliseconds. */
  childrenMs: number;
}

/** The process's CPU times and parent, or null when it is gone (or this is not Linux). */
export function procStat(pid: number): ProcStat | null {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
    // Fields after the command (which may hold spaces and parentheses): state ppid ... utime(11) stime(12) cutime(13) cstime(14)
    const f = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return { ppid: Number(f[1]), cpuMs: (Number(f[11]) + Number(f[12])) * 10, childrenMs: (Number(f[13]) + Number(f[14])) * 10 };
  } catch {
    return null;
  }
}

/**
 * CPU nanoseconds of all of a process's live threads (the first field of /proc/<pid>/task/<tid>/schedstat),
 * for figures of a few milliseconds that 10 ms ticks cannot show; falls back to the ticks without schedstat.
 */
export function processCpuNs(pid: number): number {
  try {
    let ns = 0;
    for (const tid of fs.readdirSync(`/proc/${pid}/task`)) {
      try { ns += Number(fs.readFileSync(`/proc/${pid}/task/${tid}/schedstat`, "utf8").split(" ")[0]); } catch { /* thread gone */ }
    }
    return ns;
  } catch {
    return (procStat(pid)?.cpuMs ?? 0) * 1e6;
  }
}
