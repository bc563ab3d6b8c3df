import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { uniqueId, waitFor } from '@gatehouse/testkit';
import { jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { startShipper } from '../e2e/analytics/edge-records-rig.ts';
import { openWorld } from '../e2e/edge/edge-fixtures.ts';
import { nginxLine } from '../services/analytics/src/shipper/edge-log-line.fixture.ts';

/**
 * The shipper's CPU per record (issue 11): on a 2-core edge its CPU is taken from nginx's workers,
 * so CPU time per record — not wall time, which a shared machine's load swings — is what decides
 * the tiny-range on/off ratio. Writes BENCH_RECORDS (200000) tiny-range lines as nginx would
 * (distinct ids; BENCH_ADDRESSES distinct client addresses, default one per line — the worst case
 * for the shipper's address-hash cache), runs the real shipper against the shared NATS (a private stream)
 * and Redis until its checkpoint reaches the end, and reads the process's user+system CPU from
 * /proc. BENCH_CPU_PROF=<dir> also writes a V8 CPU profile of the shipper there.
 *   set -a; . /work/main/.stack/env; set +a; npx node bench/edge-records-shipper.bench.ts
 */
const RECORDS = Number(process.env.BENCH_RECORDS ?? 200_000);
const ADDRESSES = Number(process.env.BENCH_ADDRESSES ?? RECORDS);
const TICKS = 100; // USER_HZ on Linux

/** A distinct record per n: its own id and time; client address number n mod ADDRESSES. */
function line(n: number): string {
  const i = n % ADDRESSES;
  return nginxLine({
    req: `4242.${n}.1`,
    msec: (1_764_728_400 + n / 20_000).toFixed(3),
    addr: `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`,
  });
}

/** utime + stime of a live process, in seconds. */
function cpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(fields[11]) + Number(fields[12])) / TICKS;
}

async function main() {
  const world = openWorld();
  const dir = mkdtempSync(path.join(tmpdir(), 'gh-shipper-bench-'));
  const id = uniqueId('shipbench').replace(/[^A-Za-z0-9]/g, '');
  const stream = `EDGE_SHIPBENCH_${id}`;
  const log = path.join(dir, 'records.log');
  mkdirSync(path.join(dir, 'logs'));
  writeFileSync(log, '');
  const nc = await connect({ servers: world.env.natsUrl });
  const jsm = await jetstreamManager(nc);
  const profile = process.env.BENCH_CPU_PROF;
  const shipper = startShipper({
    edge: { dir, recordsLog: log, pidFile: path.join(dir, 'nginx.pid') },
    natsUrl: world.env.natsUrl,
    redisUrl: world.env.redisUrl,
    stream,
    subject: `ghbench.${id}.edge`,
    env: {
      LOG_LEVEL: 'warn',
      EDGE_RECORDS_ROTATE_BYTES: '0',
      ...(profile ? { NODE_OPTIONS: `--cpu-prof --cpu-prof-dir=${profile}` } : {}),
    },
  });
  try {
    const pid = shipper.process.pid as number;
    // Started and idle (stream created, salt claimed lazily): the baseline CPU.
    await waitFor(async () => (await jsm.streams.info(stream).catch(() => undefined)) !== undefined, {
      timeoutMs: 30_000,
    });
    await new Promise((resolve) => setTimeout(resolve, 500));
    const before = cpuSeconds(pid);
    const text = `${Array.from({ length: RECORDS }, (_, i) => line(i)).join('\n')}\n`;
    const started = performance.now();
    writeFileSync(log, text, { flag: 'a' });
    const size = statSync(log).size;
    await waitFor(
      () => {
        try {
          return (JSON.parse(readFileSync(`${log}.position`, 'utf8')) as { offset: number }).offset >= size;
        } catch {
          return false;
        }
      },
      { timeoutMs: 600_000, intervalMs: 20 },
    );
    const wall = (performance.now() - started) / 1000;
    const cpu = cpuSeconds(pid) - before;
    const stored = (await jsm.streams.info(stream)).state.messages;
    console.log(
      `records ${RECORDS} (${ADDRESSES} addresses), stored ${stored}; shipper CPU ${cpu.toFixed(2)} s = ${((cpu / RECORDS) * 1e6).toFixed(1)} µs/record; ` +
        `wall ${wall.toFixed(2)} s = ${(RECORDS / wall).toFixed(0)} records/s`,
    );
    if (stored !== RECORDS) throw new Error(`stored ${stored} of ${RECORDS}`);
  } finally {
    await shipper.stop();
    await jsm.streams.delete(stream).catch(() => undefined);
    await nc.close();
    await world.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
