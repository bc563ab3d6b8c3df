import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { waitFor } from '@gatehouse/testkit';
import { type RecordsEdge, startPrivateAuth, startRecordsEdge } from '../e2e/analytics/edge-records-rig.ts';
import {
  createSubscriber,
  createTenant,
  mediaBytes,
  openWorld,
  publishEpisode,
} from '../e2e/edge/edge-fixtures.ts';
import { NGINX_BIN } from '../nginx-ingress/src/nginx-check.ts';
import { MiB } from './lib/wrk-run.ts';

/**
 * What edge records cost nginx per request, in instructions (issue 11): req/s and even CPU time on
 * this shared 2-core machine swing with everyone else's load, an instruction count does not. Each
 * variant is a private nginx (one process, `master_process off`) under valgrind's callgrind, in front
 * of one private auth; after 50 warm-up tiny ranges (bytes=0-1, decision and media cache hits) the
 * counters are zeroed, BENCH_REQUESTS (500) more are sent one by one, and the instructions of nginx
 * (user space; the kernel's share of the log writes is not counted) are divided by them. Variants:
 *   off       records off (the baseline);
 *   on        records on, as nginx-ingress renders them;
 *   on-requestid  records on with nginx's `$request_id` as the id, as before the shipper derived it
 *                 from `$pid.$connection.$connection_requests` (what that change saved);
 *   on-kindmap    records on with the kind from a regex `map` of `$request_uri`, as before each
 *                 route location set it (what that change saved);
 *   on-fourgrant  records on capturing four more auth headers (absent ones: the scan of the answer's
 *                 headers for each), as when identity came in four X-Gatehouse-* headers.
 * Variants compose by name (`on-requestid-kindmap-fourgrant` is the configuration before the three
 * changes, but for the four fields in the line).
 * The per-function difference is in the callgrind files (callgrind_annotate --inclusive=no).
 *   set -a; . /work/main/.stack/env; set +a
 *   BENCH_VARIANTS=off,on,on-requestid-kindmap-fourgrant npx node bench/edge-records-nginx-instructions.bench.ts
 */
const N = Number(process.env.BENCH_REQUESTS ?? 500);
const VARIANTS = (process.env.BENCH_VARIANTS ?? 'off,on').split(',');

/** The rendered config, changed for a variant (the measured differences only). */
function variantConfig(text: string, variant: string): string {
  let out = text;
  if (variant.includes('requestid'))
    out = out.replace('"req":"$pid.$connection.$connection_requests"', '"id":"$request_id"');
  if (variant.includes('kindmap'))
    out = out
      .replace(/\n\s*set \$gh_record_kind [a-z]+;/g, '')
      .replace(
        'log_format gh_edge_records',
        'map $request_uri $gh_record_kind {\n  default "";\n  "~^/m/" media;\n  "~^/d/" download;\n  "~^/pub/" public;\n  "~^/f/" feed;\n}\n  log_format gh_edge_records',
      );
  if (variant.includes('fourgrant'))
    out = out.replace(
      /auth_request_set \$gh_grant \$upstream_http_x_gatehouse_grant;/g,
      [
        'auth_request_set $gh_grant $upstream_http_x_gatehouse_grant;',
        'auth_request_set $gh_tenant_r $upstream_http_x_gatehouse_tenant_id;',
        'auth_request_set $gh_subscriber_r $upstream_http_x_gatehouse_subscriber_id;',
        'auth_request_set $gh_episode_r $upstream_http_x_gatehouse_episode_id;',
        'auth_request_set $gh_access_r $upstream_http_x_gatehouse_access;',
      ].join('\n      '),
    );
  return out;
}

async function underCallgrind(edge: RecordsEdge, out: string): Promise<ChildProcess> {
  const conf = path.join(edge.dir, 'nginx.conf');
  const args = ['-p', `${edge.dir}/`, '-c', conf, '-e', path.join(edge.dir, 'logs', 'error.log')];
  spawnSync(NGINX_BIN, [...args, '-s', 'quit']);
  await waitFor(async () => (await fetch(`${edge.url}/healthz`).catch(() => undefined)) === undefined, {
    timeoutMs: 10_000,
  });
  const child = spawn(
    'valgrind',
    [
      '--tool=callgrind',
      `--callgrind-out-file=${out}`,
      NGINX_BIN,
      ...args,
      '-g',
      'daemon off; master_process off;',
    ],
    { stdio: 'ignore' },
  );
  await waitFor(async () => (await fetch(`${edge.url}/healthz`).catch(() => undefined))?.ok === true, {
    timeoutMs: 240_000,
    intervalMs: 500,
  });
  return child;
}

async function main() {
  const world = openWorld();
  const dir = mkdtempSync(path.join(tmpdir(), 'gh-nginx-instructions-'));
  const tenant = await createTenant(world);
  const subscriber = await createSubscriber(world, tenant);
  const episode = await publishEpisode(world, tenant, { storage: 's3', size: MiB, body: mediaBytes(MiB) });
  const auth = await startPrivateAuth(dir);
  const protectedDir = path.join(world.env.stackDir, 'protected');
  const perRequest = new Map<string, number>();
  try {
    for (const variant of VARIANTS) {
      const edge = await startRecordsEdge({
        authPort: auth.port,
        protectedDir,
        records: variant !== 'off',
        workers: 1,
      });
      const conf = path.join(edge.dir, 'nginx.conf');
      writeFileSync(conf, variantConfig(readFileSync(conf, 'utf8'), variant));
      const out = path.join(dir, `callgrind.${variant}.out`);
      const nginx = await underCallgrind(edge, out);
      try {
        const url = `${edge.url}/m/${subscriber.token}/${episode.episodeId}/${episode.fileName}`;
        const get = async () => {
          const r = await fetch(url, { headers: { range: 'bytes=0-1' } });
          await r.arrayBuffer();
          if (r.status !== 206) throw new Error(`${variant}: status ${r.status}`);
        };
        for (let i = 0; i < 50; i++) await get();
        spawnSync('callgrind_control', ['-z', String(nginx.pid)]);
        for (let i = 0; i < N; i++) await get();
        spawnSync('callgrind_control', ['-d', String(nginx.pid)]);
      } finally {
        nginx.kill('SIGTERM');
        await new Promise((resolve) => nginx.once('exit', resolve));
        await edge.stop().catch(() => undefined);
      }
      // The dump asked for after the zeroing holds exactly the N requests.
      const total = Number(/^summary: (\d+)/m.exec(readFileSync(`${out}.1`, 'utf8'))?.[1]);
      perRequest.set(variant, total / N);
      console.log(`${variant.padEnd(10)} ${(total / N).toFixed(0)} instructions/request (${out}.1)`);
    }
    const off = perRequest.get('off');
    if (off)
      for (const [variant, value] of perRequest)
        console.log(
          `${variant.padEnd(10)} ${(value / off).toFixed(3)} × off, ${(value - off).toFixed(0)} instructions/request more`,
        );
  } finally {
    await auth.stop();
    await world.close();
    if (process.env.BENCH_KEEP !== '1') rmSync(dir, { recursive: true, force: true });
  }
}

await main();
