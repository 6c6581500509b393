import { execFileSync } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";

// Where a benchmark's CPU goes, per kind of process (dashboards, bridges, PostgreSQL, …),
// read from /proc (Linux only): each process's user + system ticks, sampled on a timer so
// a process that exits during the window keeps what it had used at its last sample, and
// the machine's own busy share from /proc/stat. Shared servers (PostgreSQL, Redis) are
// counted whole: on a shared machine their figures include other users' work.

const TICKS_PER_SECOND = (() => {
  try {
    return Number(execFileSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).trim()) || 100;
  } catch {
    return 100;
  }
})();

interface Proc {
  pid: number;
  ppid: number;
  comm: string;
  ticks: number;
}

function readProc(pid: number): Proc | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    // comm is in parentheses and may hold spaces: the fields after its closing one are fixed.
    const close = stat.lastIndexOf(")");
    const comm = stat.slice(stat.indexOf("(") + 1, close);
    const fields = stat.slice(close + 2).split(" ");
    return { pid, ppid: Number(fields[1]), comm, ticks: Number(fields[11]) + Number(fields[12]) };
  } catch {
    return null; // gone between the listing and the read
  }
}

function allProcs(): Proc[] {
  const procs: Proc[] = [];
  for (const name of readdirSync("/proc")) {
    if (!/^\d+$/.test(name)) continue;
    const proc = readProc(Number(name));
    if (proc) procs.push(proc);
  }
  return procs;
}

/** Machine-wide busy and total jiffies (every core). */
function machineTicks(): { busy: number; total: number } {
  const [cpu] = readFileSync("/proc/stat", "utf8").split("\n");
  const values = cpu.trim().split(/\s+/).slice(1).map(Number);
  const total = values.reduce((a, b) => a + b, 0);
  const idle = values[3] + (values[4] ?? 0); // idle + iowait
  return { busy: total - idle, total };
}

/** Names each process a kind (or null: not counted); `parentKind` is the kind its parent was given. */
export type Classifier = (proc: Proc, parentKind: string | null) => string | null;

export interface CpuReport {
  seconds: number;
  /** CPU seconds per kind over the window. */
  cpu: Map<string, number>;
  /** The machine's busy share over the window, of all its cores (0–1), and the core count. */
  machineBusy: number;
  cores: number;
}

/** Starts sampling; `stop()` returns what each kind used since the start. */
export function startCpuSampling(classify: Classifier, intervalMs = 250) {
  const baseline = new Map<number, number>(); // pid → ticks at the start (0 for one born later)
  const last = new Map<number, { kind: string; ticks: number }>();
  const sample = (isStart: boolean) => {
    const procs = allProcs();
    const byPid = new Map(procs.map((p) => [p.pid, p]));
    const kinds = new Map<number, string | null>();
    // A process's kind may depend on its parent's (a bridge's children are its upstreams): resolve parents first.
    const kindOf = (proc: Proc, depth = 0): string | null => {
      if (kinds.has(proc.pid)) return kinds.get(proc.pid)!;
      const parent = byPid.get(proc.ppid);
      const kind = classify(proc, parent && depth < 64 ? kindOf(parent, depth + 1) : null);
      kinds.set(proc.pid, kind);
      return kind;
    };
    for (const proc of procs) {
      const kind = kindOf(proc);
      if (!kind) continue;
      if (isStart) baseline.set(proc.pid, proc.ticks);
      else if (!baseline.has(proc.pid) && !last.has(proc.pid)) baseline.set(proc.pid, 0);
      last.set(proc.pid, { kind, ticks: proc.ticks });
    }
  };
  const startedAt = performance.now();
  const machineStart = machineTicks();
  sample(true);
  const timer = setInterval(() => sample(false), intervalMs);
  return {
    stop(): CpuReport {
      clearInterval(timer);
      sample(false);
      const machineEnd = machineTicks();
      const cpu = new Map<string, number>();
      for (const [pid, { kind, ticks }] of last) {
        cpu.set(kind, (cpu.get(kind) ?? 0) + (ticks - (baseline.get(pid) ?? 0)) / TICKS_PER_SECOND);
      }
      const total = machineEnd.total - machineStart.total;
      return {
        seconds: (performance.now() - startedAt) / 1000,
        cpu,
        machineBusy: total > 0 ? (machineEnd.busy - machineStart.busy) / total : 0,
        cores: readFileSync("/proc/stat", "utf8")
          .split("\n")
          .filter((line) => /^cpu\d+ /.test(line)).length,
      };
    },
  };
}
