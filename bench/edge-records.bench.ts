import { spawnSync } from 'node:child_process';
import {
  closeSync,
  mkdtempSync,
  openSync,
  readdirSync,
  readFileSync,
  readSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { uniqueId, waitFor } from '@gatehouse/testkit';
import { jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import {
  type Child,
  type RecordsEdge,
  startPrivateAuth,
  startRecordsEdge,
  startShipper,
} from '../e2e/analytics/edge-records-rig.ts';
import {
  createSubscriber,
  createTenant,
  mediaBytes,
  openWorld,
  publishEpisode,
} from '../e2e/edge/edge-fixtures.ts';
import { MiB, ROOT, wrkArgs, wrkSettings } from './lib/wrk-run.ts';

/**
 * Edge records on vs off (issue 11), in one run on this machine: two private nginx instances
 * rendered by nginx-ingress from the same values but `records.enabled`, in front of one private
 * auth service, serving (1) 1 MiB cache hits and (2) tiny ranges (bytes=0-1) of the same
 * episode. Three configurations, interleaved per round (a load swing hits all alike):
 *   off        records off;
 *   on         records on, the shipper running beside nginx (what the chart deploys);
 *   on-paused  records on, the shipper stopped (SIGSTOP) during the run: nginx's own cost only
 *              (the shipper catches up after; nothing is lost, the log is the buffer).
 * Reported: median req/s per configuration and the ratios on/off and on-paused/off (target ≥ 0.95);
 * and, since req/s on a shared machine swings with everyone else's load, the CPU (user+system from
 * /proc) of the edge's nginx workers per request and of the shipper per record, per configuration:
 * those do not depend on who else runs (the shipper's is counted until it has caught up), and of the
 * NATS server per record (it stores each record on the same cores).
 *
 * BENCH_LAYOUT=split pins the edges' nginx workers and wrk to CPU 0, and the shipper, the NATS
 * server and auth to CPU 1 (taskset; the NATS server's own affinity is restored after): the edge
 * and its clients keep their core in every configuration, and shipping runs beside them the way
 * the chart runs it — the shipper in its own container with its own CPU, NATS on its own pods. What
 * it shows is what records cost the edge itself; what shipping costs is its CPU per record (the
 * tables below). The default (shared) lets everything share both cores, so there the shipper's and
 * the NATS server's CPU per record come out of nginx's and wrk's.
 *   set -a; . /work/main/.stack/env; set +a; npx node bench/edge-records.bench.ts
 * Env: BENCH_DURATION (4s), BENCH_ROUNDS (3), BENCH_CONNECTIONS (32), BENCH_LAYOUT (shared|split),
 * BENCH_WRITE=1 (BENCHMARKS.md).
 */
const WRK = wrkSettings('4s');
const LAYOUT = process.env.BENCH_LAYOUT ?? 'shared';
if (LAYOUT !== 'shared' && LAYOUT !== 'split')
  throw new Error(`BENCH_LAYOUT: shared or split, not ${LAYOUT}`);
/** CPU lists of the split layout: the edge's and its clients' core, and the shipping's. */
const EDGE_CPU = '0';
const SHIPPING_CPU = '1';

/** Sets the CPU affinity of a process and all its threads (`taskset -a`); returns the old list. */
function pin(pid: number, cpus: string): string {
  const old = spawnSync('taskset', ['-pc', String(pid)], { encoding: 'utf8' });
  const was = /: (\S+)\s*$/.exec(old.stdout)?.[1];
  const set = spawnSync('taskset', ['-apc', cpus, String(pid)], { encoding: 'utf8' });
  if (set.status !== 0 || !was) throw new Error(`taskset ${pid}: ${set.stderr || old.stderr}`);
  return was;
}

/** The pid of the nats-server listening on `url`'s port (the stack's), from /proc. */
function natsServerPid(url: string): number | undefined {
  const port = new URL(url).port;
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const args = readFileSync(`/proc/${name}/cmdline`, 'utf8').split('\0');
      if (args[0]?.endsWith('nats-server') && args.includes(port)) return Number(name);
    } catch {
      // gone meanwhile
    }
  }
  return undefined;
}

function wrk(
  url: string,
  headers: Record<string, string>,
): { rps: number; requests: number; non2xx: number; p99: string } {
  const command = LAYOUT === 'split' ? ['taskset', '-c', EDGE_CPU, 'wrk'] : ['wrk'];
  const run = spawnSync(command[0]!, [...command.slice(1), ...wrkArgs(WRK, url, headers)], {
    encoding: 'utf8',
  });
  if (run.error) throw new Error(`wrk did not run (${run.error.message}): apt-get install wrk`);
  if (run.status !== 0) throw new Error(`wrk failed: ${run.stderr}`);
  const out = run.stdout;
  return {
    rps: Number(/Requests\/sec:\s+([\d.]+)/.exec(out)?.[1] ?? Number.NaN),
    requests: Number(/(\d+) requests in/.exec(out)?.[1] ?? Number.NaN),
    non2xx: Number(/Non-2xx or 3xx responses:\s+(\d+)/.exec(out)?.[1] ?? 0),
    p99: /^\s+99%\s+(\S+)/m.exec(out)?.[1] ?? '?',
  };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
/** Lines in a file, read in chunks (a run's log outgrows the longest string V8 makes). */
const lines = (file: string) => {
  const fd = openSync(file, 'r');
  try {
    const chunk = Buffer.allocUnsafe(16 * MiB);
    let count = 0;
    for (let n = readSync(fd, chunk); n > 0; n = readSync(fd, chunk)) {
      for (let at = chunk.indexOf(10); at >= 0 && at < n; at = chunk.indexOf(10, at + 1)) count++;
    }
    return count;
  } finally {
    closeSync(fd);
  }
};

type Config = 'off' | 'on' | 'on-paused';

const TICKS = 100; // USER_HZ on Linux

/** utime + stime of a process in seconds (0 once it is gone). */
function cpuSeconds(pid: number): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return (Number(fields[11]) + Number(fields[12])) / TICKS;
  } catch {
    return 0;
  }
}

/** The pids of an edge's nginx workers (the master's children). */
function workerPids(edge: RecordsEdge): number[] {
  const master = readFileSync(edge.pidFile, 'utf8').trim();
  const pids: number[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8').split(') ')[1]!.split(' ');
      if (stat[1] === master) pids.push(Number(name));
    } catch {
      // gone meanwhile
    }
  }
  return pids;
}

/** CPU seconds of an edge's nginx workers. */
function workersCpu(edge: RecordsEdge): number {
  return workerPids(edge).reduce((total, pid) => total + cpuSeconds(pid), 0);
}

/** The shipper's saved position has reached the end of the records log (nginx flushes ≤ 1 s). */
function shipped(edge: RecordsEdge): boolean {
  try {
    const position = JSON.parse(readFileSync(`${edge.recordsLog}.position`, 'utf8')) as { offset: number };
    return position.offset >= statSync(edge.recordsLog).size;
  } catch {
    return false;
  }
}

async function main() {
  const world = openWorld();
  const dir = mkdtempSync(path.join(tmpdir(), 'gh-records-bench-'));
  const id = uniqueId('recbench').replace(/[^A-Za-z0-9]/g, '');
  const stream = `EDGE_BENCH_${id}`;
  const nc = await connect({ servers: world.env.natsUrl });
  const jsm = await jetstreamManager(nc);
  const parts: { stop(): Promise<void> }[] = [];
  let shipper: Child | undefined;
  const natsPid = natsServerPid(world.env.natsUrl);
  let restoreNats: (() => void) | undefined;
  try {
    const tenant = await createTenant(world);
    const subscriber = await createSubscriber(world, tenant);
    const body = mediaBytes(MiB);
    const episode = await publishEpisode(world, tenant, { storage: 's3', size: MiB, body });
    const auth = await startPrivateAuth(dir);
    parts.push(auth);
    const protectedDir = path.join(world.env.stackDir, 'protected');
    const edges: Record<'off' | 'on', RecordsEdge> = {
      off: await startRecordsEdge({ authPort: auth.port, protectedDir, records: false }),
      on: await startRecordsEdge({ authPort: auth.port, protectedDir, records: true }),
    };
    parts.push(edges.off, edges.on);
    shipper = startShipper({
      edge: edges.on,
      natsUrl: world.env.natsUrl,
      redisUrl: world.env.redisUrl,
      stream,
      subject: `ghbench.${id}.edge`,
      env: { LOG_LEVEL: 'warn', EDGE_RECORDS_ROTATE_BYTES: '0' },
    });
    if (LAYOUT === 'split') {
      for (const edge of Object.values(edges)) {
        pin(Number(readFileSync(edge.pidFile, 'utf8').trim()), EDGE_CPU);
        for (const pid of workerPids(edge)) pin(pid, EDGE_CPU);
      }
      for (const part of [auth, shipper]) pin(part.process.pid as number, SHIPPING_CPU);
      if (natsPid === undefined) throw new Error('split layout: no nats-server process found for NATS_URL');
      const was = pin(natsPid, SHIPPING_CPU);
      restoreNats = () => pin(natsPid, was);
    }
    const url = (edge: RecordsEdge) =>
      `${edge.url}/m/${subscriber.token}/${episode.episodeId}/${episode.fileName}`;
    for (const edge of Object.values(edges)) {
      for (let i = 0; i < 2; i++) {
        const r = await fetch(url(edge));
        const b = Buffer.from(await r.arrayBuffer());
        if (r.status !== 200 || !b.equals(body)) throw new Error(`${edge.url}: ${r.status} or wrong bytes`);
      }
      const hit = await fetch(url(edge));
      await hit.arrayBuffer();
      if (hit.headers.get('x-cache-status') !== 'HIT') throw new Error(`${edge.url}: not a cache HIT`);
    }
    const scenarios: { name: string; headers: Record<string, string> }[] = [
      { name: '1 MiB cache hit', headers: {} },
      { name: 'tiny range (bytes=0-1)', headers: { range: 'bytes=0-1' } },
    ];
    const configs: Config[] = ['off', 'on', 'on-paused'];
    const results = new Map<string, number[]>();
    /** µs of CPU per request of nginx's workers, and of the shipper per record, by scenario|config. */
    const nginxCpu = new Map<string, number[]>();
    const shipperCpu = new Map<string, number[]>();
    const natsCpu = new Map<string, number[]>();
    const add = (map: Map<string, number[]>, key: string, value: number) =>
      map.set(key, [...(map.get(key) ?? []), value]);
    const shipperPid = shipper.process.pid as number;
    const catchUp = new Map<string, number[]>();
    let non2xx = 0;
    const stored = async () => (await jsm.streams.info(stream).catch(() => undefined))?.state.messages ?? 0;
    for (let round = 0; round < WRK.rounds; round++) {
      for (const scenario of scenarios) {
        for (const config of configs) {
          const edge = config === 'off' ? edges.off : edges.on;
          if (config === 'on-paused') shipper.process.kill('SIGSTOP');
          const nginxBefore = workersCpu(edge);
          const shipperBefore = cpuSeconds(shipperPid);
          const natsBefore = natsPid === undefined ? Number.NaN : cpuSeconds(natsPid);
          const r = wrk(url(edge), scenario.headers);
          const nginxUsed = workersCpu(edge) - nginxBefore;
          if (config === 'on-paused') shipper.process.kill('SIGCONT');
          non2xx += r.non2xx;
          const key = `${scenario.name}|${config}`;
          results.set(key, [...(results.get(key) ?? []), r.rps]);
          add(nginxCpu, key, (nginxUsed / r.requests) * 1e6);
          console.error(
            `round ${round + 1} ${scenario.name} ${config}: ${r.rps.toFixed(0)} req/s p99 ${r.p99}`,
          );
          // Let the shipper catch up between runs, so each run starts from the same state. After
          // `on` this is the shipper's lag at the end of the load (it runs niced: records arrive later).
          if (config !== 'off') {
            const ended = performance.now();
            await waitFor(() => shipped(edges.on), { timeoutMs: 120_000, intervalMs: 50 }).catch(
              () => undefined,
            );
            if (config === 'on') {
              add(shipperCpu, key, ((cpuSeconds(shipperPid) - shipperBefore) / r.requests) * 1e6);
              if (natsPid !== undefined)
                add(natsCpu, key, ((cpuSeconds(natsPid) - natsBefore) / r.requests) * 1e6);
              const lag = (performance.now() - ended) / 1000;
              catchUp.set(scenario.name, [...(catchUp.get(scenario.name) ?? []), lag]);
              console.error(
                `round ${round + 1} ${scenario.name} on: shipper caught up ${lag.toFixed(1)} s after the load`,
              );
            }
          }
        }
      }
    }
    // Every request the on-edge answered became a record on JetStream (none lost under load).
    await new Promise((resolve) => setTimeout(resolve, 2000));
    await waitFor(() => shipped(edges.on), { timeoutMs: 120_000, intervalMs: 250 });
    const written = lines(edges.on.recordsLog);
    const onJetStream = await stored();
    const rows = scenarios.map((s) => {
      const m = (c: Config) => median(results.get(`${s.name}|${c}`) ?? []);
      return {
        name: s.name,
        off: m('off'),
        on: m('on'),
        paused: m('on-paused'),
        lag: median(catchUp.get(s.name) ?? [Number.NaN]),
        cpu: (c: Config) => median(nginxCpu.get(`${s.name}|${c}`) ?? [Number.NaN]),
        shipperCpu: median(shipperCpu.get(`${s.name}|on`) ?? [Number.NaN]),
        natsCpu: median(natsCpu.get(`${s.name}|on`) ?? [Number.NaN]),
      };
    });
    const cpuTable = [
      '| scenario | nginx µs CPU/request: off | on | on-paused | on-paused / off | shipper µs CPU/record (on) | NATS server µs CPU/record (on) |',
      '|---|---|---|---|---|---|---|',
      ...rows.map(
        (r) =>
          `| ${r.name} | ${r.cpu('off').toFixed(1)} | ${r.cpu('on').toFixed(1)} | ${r.cpu('on-paused').toFixed(1)} | **${(r.cpu('on-paused') / r.cpu('off')).toFixed(3)}** | ${r.shipperCpu.toFixed(1)} | ${r.natsCpu.toFixed(1)} |`,
      ),
    ].join('\n');
    const table = [
      '| scenario | records off (req/s) | records on + shipper (req/s) | on / off | records on, shipper paused (req/s) | paused / off | shipper caught up after the load (s) |',
      '|---|---|---|---|---|---|---|',
      ...rows.map(
        (r) =>
          `| ${r.name} | ${r.off.toFixed(0)} | ${r.on.toFixed(0)} | **${(r.on / r.off).toFixed(3)}** | ${r.paused.toFixed(0)} | **${(r.paused / r.off).toFixed(3)}** | ${r.lag.toFixed(1)} |`,
      ),
    ].join('\n');
    const summary = [
      table,
      '',
      cpuTable,
      '',
      `Layout ${LAYOUT === 'split' ? `split (nginx workers and wrk on CPU ${EDGE_CPU}; shipper, NATS server, auth on CPU ${SHIPPING_CPU})` : 'shared (everything on both cores)'}. ` +
        `Medians of ${WRK.rounds} interleaved rounds of ${WRK.duration} each, wrk -t1 -c${WRK.connections}, nginx 2 workers per edge, ` +
        `one private auth. Non-2xx answers: ${non2xx}. Records written by nginx (on-edge, current log file): ${written}; ` +
        `records on JetStream: ${onJetStream} (rotation off for the run, so the one file holds every line).`,
    ].join('\n');
    console.log(summary);
    if (process.env.BENCH_WRITE === '1') writeSection(summary);
  } finally {
    restoreNats?.();
    await shipper?.stop();
    for (const part of parts.reverse()) await part.stop().catch(() => undefined);
    await jsm.streams.delete(stream).catch(() => undefined);
    await nc.close();
    await world.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Replaces the "Edge records" section of BENCHMARKS.md (its table and run notes). */
function writeSection(summary: string) {
  const file = path.join(ROOT, 'BENCHMARKS.md');
  const text = readFileSync(file, 'utf8');
  const head = '## Edge records: records on vs off (issue 11)';
  const command =
    '```sh\nset -a; . /work/main/.stack/env; set +a\nBENCH_WRITE=1 npx node bench/edge-records.bench.ts\n```';
  const section = `${head}\n\nRun ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC:\n\n${command}\n\n${summary}\n`;
  const start = text.indexOf(head);
  if (start < 0) {
    writeFileSync(file, `${text.trimEnd()}\n\n${section}`);
    return;
  }
  const next = text.indexOf('\n## ', start + head.length);
  writeFileSync(file, `${text.slice(0, start)}${section}${next < 0 ? '' : text.slice(next)}`);
}

await main();
