import path from 'node:path';

/** The repository root, where BENCHMARKS.md lives. */
export const ROOT = path.resolve(import.meta.dirname, '../..');
export const MiB = 1024 * 1024;

/** How the wrk benchmarks load the edge; BENCH_* override the defaults. */
export interface WrkSettings {
  duration: string;
  rounds: number;
  connections: number;
}

/** Read once at a benchmark's start; `defaultDuration` is the benchmark's own (e.g. '5s'). */
export function wrkSettings(defaultDuration: string): WrkSettings {
  return {
    duration: process.env.BENCH_DURATION ?? defaultDuration,
    rounds: Number(process.env.BENCH_ROUNDS ?? 3),
    connections: Number(process.env.BENCH_CONNECTIONS ?? 32),
  };
}

/** wrk's arguments for one run: one thread (the cores are shared), latency percentiles, headers. */
export function wrkArgs(settings: WrkSettings, url: string, headers: Record<string, string>): string[] {
  const args = ['-t1', `-c${settings.connections}`, `-d${settings.duration}`, '--latency'];
  for (const [k, v] of Object.entries(headers)) args.push('-H', `${k}: ${v}`);
  return [...args, url];
}
