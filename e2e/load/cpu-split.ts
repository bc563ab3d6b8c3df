import { readdirSync, readFileSync } from 'node:fs';

/**
 * CPU seconds per role over a run, from /proc (what `pidstat` would show, summed): the load
 * generator and the system under test share the same 2 cores, so the split says how much of
 * the machine each side had. Linux only; elsewhere every sample is empty.
 */
const TICKS_PER_SECOND = 100; // USER_HZ on Linux

export type CpuSample = Map<number, { role: string; ticks: number }>;

function roleOf(cmdline: string, loadPids: ReadonlySet<number>, pid: number): string | undefined {
  if (loadPids.has(pid)) return 'load generator';
  if (cmdline.startsWith('nginx')) return 'nginx';
  if (cmdline.includes('services/auth/')) return 'auth';
  if (cmdline.includes('services/media/')) return 'media';
  if (cmdline.includes('services/feeds/')) return 'feeds';
  if (cmdline.includes('services/billing/')) return 'billing';
  if (/\bminio\b/.test(cmdline) && !cmdline.includes('audit')) return 'minio';
  if (cmdline.includes('minio-audit')) return 'minio audit recorder';
  if (cmdline.includes('redis-server')) return 'redis';
  if (cmdline.includes('nats-server')) return 'nats';
  if (cmdline.includes('postgres')) return 'postgres';
  return 'other (other engineers, system)';
}

export function sampleCpu(loadPids: ReadonlySet<number> = new Set()): CpuSample {
  const sample: CpuSample = new Map();
  let entries: string[] = [];
  try {
    entries = readdirSync('/proc');
  } catch {
    return sample;
  }
  for (const entry of entries) {
    if (!/^\d+$/.test(entry)) continue;
    const pid = Number(entry);
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      // utime, stime, cutime, cstime are fields 14–17 (1-based) of stat; index 11.. after the comm.
      const ticks = Number(fields[11]) + Number(fields[12]);
      const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ');
      const role = roleOf(cmdline, loadPids, pid);
      if (role) sample.set(pid, { role, ticks });
    } catch {
      // The process ended between readdir and read.
    }
  }
  return sample;
}

/** CPU seconds per role between two samples (processes that started in between count fully). */
export function cpuSplit(before: CpuSample, after: CpuSample, loadPids: ReadonlySet<number> = new Set()) {
  const byRole = new Map<string, number>();
  for (const [pid, now] of after) {
    const role = loadPids.has(pid) ? 'load generator' : now.role;
    const delta = now.ticks - (before.get(pid)?.ticks ?? 0);
    if (delta > 0) byRole.set(role, (byRole.get(role) ?? 0) + delta / TICKS_PER_SECOND);
  }
  return Object.fromEntries(
    [...byRole].sort((a, b) => b[1] - a[1]).map(([role, seconds]) => [role, Math.round(seconds * 100) / 100]),
  );
}
