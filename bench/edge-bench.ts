import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { signSecureLink } from '@gatehouse/tokens';
import {
  createSubscriber,
  createTenant,
  mediaBytes,
  mediaUrl,
  openWorld,
  publishEpisode,
  writeProtectedFile,
} from '../e2e/edge/edge-fixtures.ts';
import { startPlatform } from '../e2e/support/platform.ts';
import { localSecureLinkSecret } from '../nginx-ingress/src/edge-values.ts';
import { MiB, ROOT, wrkArgs, wrkSettings } from './lib/wrk-run.ts';

/**
 * The edge benchmark (issue 3): in one run on this machine,
 *   1. authorized cache-hit downloads of a 1 MiB file through the edge vs the stack's static nginx;
 *   2. tiny authorized range requests (bytes=0-1) through the edge vs nginx secure_link;
 * plus both through the x-accel front door (EDGE_XACCEL_URL, same media cache, every request asks
 * auth): what the decision cache buys. The two target ratios stay defined on the default door.
 * Load generator: wrk (Debian), sharing the machine's cores with nginx and auth.
 * Writes the edge section of BENCHMARKS.md.
 */
// The machine is shared and its load drifts by 2x within minutes: the six scenarios run in
// interleaved rounds (static, edge, secure_link, edge range, again…) and each is reported by its
// median, so a load swing hits baseline and edge alike instead of one of them.
const WRK = wrkSettings('5s');

interface WrkResult {
  rps: number;
  mbPerSec: number;
  p50: string;
  p99: string;
  non2xx: number;
  errors: string;
  /** CPU seconds (user+sys) of the wrk process itself. */
  wrkCpu: number;
}

function wrk(url: string, headers: Record<string, string> = {}): WrkResult {
  // bash's `times` prints the CPU of its finished children (wrk) on its second line.
  const run = spawnSync('bash', ['-c', 'wrk "$@" && times', 'wrk', ...wrkArgs(WRK, url, headers)], {
    encoding: 'utf8',
  });
  if (run.status !== 0) throw new Error(`wrk failed: ${run.stderr}`);
  const out = run.stdout;
  const times = out.trimEnd().split('\n').at(-1) ?? '';
  const [user, sys] = [...times.matchAll(/(\d+)m([\d.]+)s/g)].map((m) => Number(m[1]) * 60 + Number(m[2]));
  const num = (re: RegExp) => Number(re.exec(out)?.[1] ?? Number.NaN);
  const transfer = /Transfer\/sec:\s+([\d.]+)(\w+)/.exec(out);
  const unit = { B: 1 / MiB, KB: 1 / 1024, MB: 1, GB: 1024 }[transfer?.[2] ?? 'MB'] ?? 1;
  return {
    rps: num(/Requests\/sec:\s+([\d.]+)/),
    mbPerSec: Number(transfer?.[1] ?? Number.NaN) * unit,
    p50: /^\s+50%\s+(\S+)/m.exec(out)?.[1] ?? '?',
    p99: /^\s+99%\s+(\S+)/m.exec(out)?.[1] ?? '?',
    non2xx: num(/Non-2xx or 3xx responses:\s+(\d+)/) || 0,
    errors: /Socket errors:[^\n]*/.exec(out)?.[0] ?? 'none',
    wrkCpu: (user ?? 0) + (sys ?? 0),
  };
}

/** CPU seconds used by a process so far (utime+stime from /proc); NaN once it is gone (a reload). */
function cpuSeconds(pid: number): number {
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return Number.NaN;
  }
  const fields = stat.split(') ')[1]!.split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

function pidsListening(port: number): number[] {
  const out = execFileSync('ss', ['-H', '-ltnp', `sport = :${port}`], { encoding: 'utf8' });
  return [...new Set([...out.matchAll(/pid=(\d+)/g)].map((m) => Number(m[1])))];
}

function measure<T>(pids: number[], fn: () => T): { result: T; cpu: number[] } {
  const before = pids.map(cpuSeconds);
  const result = fn();
  return { result, cpu: pids.map((p, i) => cpuSeconds(p) - before[i]!) };
}

async function main() {
  const world = openWorld();
  const platform = await startPlatform(['auth']);
  try {
    const tenant = await createTenant(world);
    const subscriber = await createSubscriber(world, tenant);
    const body = mediaBytes(MiB);
    const episode = await publishEpisode(world, tenant, { storage: 's3', size: MiB, body });
    writeFileSync(path.join(world.env.wwwDir, 'bench-1mib.bin'), body);
    writeProtectedFile(world, 'private/bench-1mib.bin', body);
    const secret = localSecureLinkSecret(); // what the stack's nginx was rendered with
    const link = signSecureLink({
      path: '/s/private/bench-1mib.bin',
      expiresAt: Math.floor(Date.now() / 1000) + 3600,
      secret,
    });
    const edgeUrl = mediaUrl(world, subscriber.token, episode);
    const accelBase = process.env.EDGE_XACCEL_URL;
    if (!accelBase) throw new Error('EDGE_XACCEL_URL is not set (npm run up writes it to .stack/env)');
    const accelUrl = mediaUrl(world, subscriber.token, episode, accelBase);
    const staticUrl = `${world.env.staticUrl}/bench-1mib.bin`;
    const secureUrl = `${world.env.edgeUrl}${link.url}`;

    // Warm the edge cache and check every URL answers what it should before measuring.
    for (const [url, headers, status] of [
      [edgeUrl, {}, 200],
      [edgeUrl, {}, 200],
      [staticUrl, {}, 200],
      [secureUrl, { range: 'bytes=0-1' }, 206],
      [edgeUrl, { range: 'bytes=0-1' }, 206],
      [accelUrl, {}, 200],
      [accelUrl, { range: 'bytes=0-1' }, 206],
    ] as const) {
      const r = await fetch(url, { headers });
      const b = Buffer.from(await r.arrayBuffer());
      if (r.status !== status) throw new Error(`${url}: ${r.status} (expected ${status})`);
      if (status === 200 && !b.equals(body)) throw new Error(`${url}: wrong bytes`);
    }
    const hit = await fetch(edgeUrl);
    await hit.arrayBuffer();
    if (hit.headers.get('x-cache-status') !== 'HIT')
      throw new Error('edge did not serve the warm file as HIT');
    const accelHit = await fetch(accelUrl);
    await accelHit.arrayBuffer();
    if (accelHit.headers.get('x-cache-status') !== 'HIT')
      throw new Error('the x-accel door did not serve the warm file as HIT');

    const authPids = pidsListening(53001);
    const nginxPids = execFileSync(
      'pgrep',
      ['-P', readFileSync(path.join(world.env.stackDir, 'nginx', 'nginx.pid'), 'utf8').trim()],
      { encoding: 'utf8' },
    )
      .trim()
      .split('\n')
      .map(Number);
    const watch = [...authPids, ...nginxPids];
    const cpuNote = (cpu: number[]) => {
      const auth = cpu.slice(0, authPids.length).reduce((a, b) => a + b, 0);
      const nginx = cpu.slice(authPids.length).reduce((a, b) => a + b, 0);
      const fmt = (x: number) =>
        Number.isNaN(x) ? '? (process replaced during the run)' : `${x.toFixed(1)} s`;
      return `auth ${fmt(auth)}, nginx workers ${fmt(nginx)} CPU`;
    };

    type Run = { result: WrkResult; cpu: number[] };
    const scenarios = [
      { name: 'static nginx, 1 MiB file (baseline)', run: () => wrk(staticUrl) },
      { name: 'edge `/m/…`, 1 MiB, decision + media cache HIT', run: () => wrk(edgeUrl) },
      {
        name: 'nginx `secure_link` `/s/…`, Range bytes=0-1 (baseline)',
        run: () => wrk(secureUrl, { Range: 'bytes=0-1' }),
      },
      {
        name: 'edge `/m/…`, Range bytes=0-1, decision + media cache HIT',
        run: () => wrk(edgeUrl, { Range: 'bytes=0-1' }),
      },
      {
        name: 'x-accel door `/m/…` (58082), 1 MiB, auth every request + media cache HIT',
        run: () => wrk(accelUrl),
      },
      {
        name: 'x-accel door `/m/…` (58082), Range bytes=0-1, auth every request + media cache HIT',
        run: () => wrk(accelUrl, { Range: 'bytes=0-1' }),
      },
    ];
    const runs: Run[][] = scenarios.map(() => []);
    const loads: string[] = [loadAverage()];
    for (let round = 0; round < WRK.rounds; round++) {
      for (const [i, scenario] of scenarios.entries()) runs[i]!.push(measure(watch, scenario.run));
      loads.push(loadAverage());
    }
    // The run with the median req/s stands for its scenario (its latency and CPU come with it).
    const median = (list: Run[]) => [...list].sort((a, b) => a.result.rps - b.result.rps)[list.length >> 1]!;
    const medians = runs.map(median);
    const [staticRun, edgeRun, secureRun, edgeRangeRun, accelRun, accelRangeRun] = medians as [
      Run,
      Run,
      Run,
      Run,
      Run,
      Run,
    ];
    const ratio1 = edgeRun.result.rps / staticRun.result.rps;
    const ratio2 = edgeRangeRun.result.rps / secureRun.result.rps;
    const perRound = (a: number, b: number) =>
      runs[a]!.map((r, i) => (r.result.rps / runs[b]![i]!.result.rps).toFixed(2)).join(', ');
    const row = (name: string, r: Run, all: Run[]) =>
      `| ${name} | ${r.result.rps.toFixed(0)} | ${all.map((x) => x.result.rps.toFixed(0)).join(' / ')} | ${r.result.mbPerSec.toFixed(1)} | ${r.result.p50} | ${r.result.p99} | ${r.result.non2xx} | ${cpuNote(r.cpu)}, wrk ${r.result.wrkCpu.toFixed(1)} s |`;
    const section = [
      '<!-- edge-bench:start -->',
      '## Edge: auth hop + cache vs plain nginx',
      '',
      `Run ${new Date().toISOString()} on ${os.cpus().length} cores (${os.cpus()[0]?.model ?? '?'}), nginx ${nginxVersion()},`,
      `wrk -t1 -c${WRK.connections} -d${WRK.duration} on the same machine (the load generator shares the cores),`,
      `${WRK.rounds} interleaved rounds of the six scenarios; each row is its median round.`,
      `Load average (1/5/15 min) before and after each round: ${loads.join(' → ')}.`,
      '',
      'Command: `bash bench/run-edge-bench.sh` (stack up; starts auth if not running;',
      '`BENCH_ROUNDS`, `BENCH_DURATION`, `BENCH_CONNECTIONS` override the defaults).',
      '',
      '| scenario | req/s (median) | req/s per round | MiB/s | p50 | p99 | non-2xx | CPU during the median run |',
      '|---|---|---|---|---|---|---|---|',
      ...scenarios.map((scenario, i) => row(scenario.name, medians[i]!, runs[i]!)),
      '',
      `- 1 MiB downloads: edge/static = **${ratio1.toFixed(2)}** (target ≥ 0.7) — ${ratio1 >= 0.7 ? 'met' : 'missed'}; per round ${perRound(1, 0)}.`,
      `- tiny ranges: edge/secure_link = **${ratio2.toFixed(2)}** (target ≥ 0.5) — ${ratio2 >= 0.5 ? 'met' : 'missed'}; per round ${perRound(3, 2)}.`,
      `- what the decision cache buys (default door / x-accel door, same media cache): 1 MiB **${(edgeRun.result.rps / accelRun.result.rps).toFixed(2)}×**, tiny ranges **${(edgeRangeRun.result.rps / accelRangeRun.result.rps).toFixed(2)}×**; x-accel against the baselines: 1 MiB ${(accelRun.result.rps / staticRun.result.rps).toFixed(2)} of static, tiny ranges ${(accelRangeRun.result.rps / secureRun.result.rps).toFixed(2)} of secure_link.`,
      '',
      '<!-- edge-bench:end -->',
    ].join('\n');
    writeSection(section);
    process.stdout.write(`${section}\n`);
  } finally {
    await platform.stop();
    await world.close();
  }
}

function loadAverage(): string {
  return readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join('/');
}

function nginxVersion(): string {
  const run = spawnSync(process.env.NGINX_BIN || 'nginx', ['-v'], { encoding: 'utf8' });
  return /nginx\/(\S+)/.exec(run.stderr)?.[1] ?? '?';
}

function writeSection(section: string) {
  const file = path.join(ROOT, 'BENCHMARKS.md');
  let text = existsSync(file)
    ? readFileSync(file, 'utf8')
    : '# Benchmarks\n\nMeasured on the local stack; every section names the command that produced it.\n\n';
  const start = text.indexOf('<!-- edge-bench:start -->');
  const end = text.indexOf('<!-- edge-bench:end -->');
  if (start >= 0 && end > start)
    text = text.slice(0, start) + section + text.slice(end + '<!-- edge-bench:end -->'.length);
  else text = `${text.trimEnd()}\n\n${section}\n`;
  writeFileSync(file, text);
}

await main();
