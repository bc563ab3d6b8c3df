/**
 * Private feed rendering against nginx serving a static file of the same size, in one run.
 *
 *   npx node bench/feed-render.ts            (needs the local stack: `bash scripts/stack.sh up`)
 *   FEED_BENCH_EPISODES=1000 FEED_BENCH_SECONDS=10 FEED_BENCH_CONNECTIONS=16
 *
 * Seeds a show with 1,000 episodes and one subscriber in Postgres, starts the feeds service as its
 * own process (as in production: src/main.ts), and drives it with `wrk` (Debian package), sending
 * the identity headers the edge's auth_request would add:
 *   1. full renders (no validator: the whole per-subscriber body every time),
 *   2. 304 answers (If-None-Match with the current ETag),
 *   3. the same bytes as a static file from the stack's plain nginx (.stack/www).
 * Results (req/s, p99) and the ratios go to BENCHMARKS.md between the feeds markers.
 */
import { execFileSync, spawn } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { createPrismaClient } from '@gatehouse/db';
import { stackEnv } from '@gatehouse/testkit';
import { issueAccessToken, parseKeyring } from '@gatehouse/tokens';

const EPISODES = Number(process.env.FEED_BENCH_EPISODES ?? 1000);
const SECONDS = Number(process.env.FEED_BENCH_SECONDS ?? 10);
const CONNECTIONS = Number(process.env.FEED_BENCH_CONNECTIONS ?? 16);
const PORT = Number(process.env.FEED_BENCH_PORT ?? 53903);
/** FEED_BENCH_WRITE=0: print only (profiling runs), leave BENCHMARKS.md alone. */
const WRITE = process.env.FEED_BENCH_WRITE !== '0';
const ROOT = join(import.meta.dirname, '..');

const env = stackEnv();
const prisma = createPrismaClient(env.databaseUrl);
const tokenKeys = `b1:${randomBytes(32).toString('base64url')}`;
const keyring = parseKeyring(tokenKeys, 'b1');

async function seed() {
  const tenant = await prisma.tenant.create({
    data: { slug: `bench-${randomBytes(4).toString('hex')}`, name: 'Bench Audio' },
  });
  const show = await prisma.show.create({
    data: {
      tenantId: tenant.id,
      slug: 'big-show',
      title: 'A show with many episodes',
      description: 'Benchmark show',
      author: 'Bench Author',
      ownerEmail: 'owner@example.com',
      imageUrl: 'https://img.example.com/cover.jpg',
      itunesCategory: 'Technology',
      podcastGuid: randomUUID(),
    },
  });
  const start = Date.now() - EPISODES * 86_400_000;
  const episodes = Array.from({ length: EPISODES }, (_, i) => ({
    id: randomUUID(),
    tenantId: tenant.id,
    showId: show.id,
    title: `Episode ${i + 1}: a title of typical length & some <markup>`,
    description: `<p>Show notes for episode ${i + 1}. ${'Lorem ipsum dolor sit amet, consectetur adipiscing elit. '.repeat(4)}</p>`,
    episodeNumber: i + 1,
    seasonNumber: 1,
    status: 'published' as const,
    visibility: i % 2 === 0 ? ('public' as const) : ('premium' as const),
    publishedAt: new Date(start + i * 86_400_000),
  }));
  await prisma.episode.createMany({ data: episodes });
  const assets = episodes.map((episode) => ({
    id: randomUUID(),
    tenantId: tenant.id,
    episodeId: episode.id,
    storageDriver: 's3' as const,
    objectKey: `bench/${episode.id}.mp3`,
    originalFileName: 'episode.mp3',
    contentType: 'audio/mpeg',
    byteSize: BigInt(40_000_000),
    durationSeconds: 3600,
    status: 'ready' as const,
  }));
  await prisma.mediaAsset.createMany({ data: assets });
  await prisma.$executeRaw`UPDATE episodes e SET current_media_asset_id = m.id FROM media_assets m WHERE m.episode_id = e.id AND e.show_id = ${show.id}::uuid`;
  const plan = await prisma.plan.create({
    data: { tenantId: tenant.id, name: 'All', amount: 500, currency: 'usd', interval: 'month' },
  });
  await prisma.planGrant.create({ data: { planId: plan.id, showId: show.id } });
  const subscriber = await prisma.subscriber.create({
    data: { tenantId: tenant.id, email: 'bench@example.com' },
  });
  const credential = await prisma.accessCredential.create({
    data: { tenantId: tenant.id, subscriberId: subscriber.id },
  });
  await prisma.subscription.create({
    data: {
      tenantId: tenant.id,
      subscriberId: subscriber.id,
      planId: plan.id,
      stripeSubscriptionId: `sub_${randomBytes(6).toString('hex')}`,
      status: 'active',
    },
  });
  const token = issueAccessToken(keyring, {
    tenantId: tenant.id,
    subscriberId: subscriber.id,
    generation: credential.generation,
  });
  const headers = {
    'X-Gatehouse-Tenant-Id': tenant.id,
    'X-Gatehouse-Subscriber-Id': subscriber.id,
    'X-Gatehouse-Generation': String(credential.generation),
  };
  return { tenantId: tenant.id, path: `/f/${token}/${show.id}.xml`, headers };
}

interface WrkResult {
  rps: number;
  p99ms: number;
  p50ms: number;
  non2xx: number;
}

function wrk(url: string, headers: Record<string, string>): WrkResult {
  const args = ['-t1', `-c${CONNECTIONS}`, `-d${SECONDS}s`, '--latency'];
  for (const [name, value] of Object.entries(headers)) args.push('-H', `${name}: ${value}`);
  const out = execFileSync('wrk', [...args, url], { encoding: 'utf8' });
  const ms = (label: string) => {
    const match = new RegExp(`^\\s*${label}%\\s+([\\d.]+)(us|ms|s)`, 'm').exec(out);
    if (!match) throw new Error(`wrk output without ${label}%:\n${out}`);
    const value = Number(match[1]);
    return match[2] === 'us' ? value / 1000 : match[2] === 's' ? value * 1000 : value;
  };
  const rps = Number(/Requests\/sec:\s+([\d.]+)/.exec(out)?.[1]);
  const non2xx = Number(/Non-2xx or 3xx responses:\s+(\d+)/.exec(out)?.[1] ?? 0);
  return { rps, p99ms: ms('99'), p50ms: ms('50'), non2xx };
}

async function main() {
  const seeded = await seed();
  const nodeArgs = (process.env.FEED_BENCH_NODE_ARGS ?? '').split(' ').filter(Boolean);
  const server = spawn(process.execPath, [...nodeArgs, join(ROOT, 'services/feeds/src/main.ts')], {
    env: {
      ...process.env,
      PORT: String(PORT),
      HOST: '127.0.0.1',
      LOG_LEVEL: 'warn',
      DATABASE_URL: env.databaseUrl,
      REDIS_URL: env.redisUrl,
      NATS_URL: env.natsUrl,
      TOKEN_KEYS: tokenKeys,
      TOKEN_ACTIVE_KID: 'b1',
      PUBLIC_BASE_URL: 'https://media.example.com',
      STRIPE_SECRET_KEY: env.stripe.secretKey,
      SMTP_URL: env.smtpUrl,
      INTERNAL_API_TOKEN: 'bench-internal-token-0123456789abcdef',
    },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  const staticFile = join(env.wwwDir, `feed-bench-${process.pid}.xml`);
  try {
    const base = `http://127.0.0.1:${PORT}`;
    for (let i = 0; ; i++) {
      try {
        if ((await fetch(`${base}/readyz`)).ok) break;
      } catch {}
      if (i > 100) throw new Error('feeds service did not become ready');
      await sleep(100);
    }
    const first = await fetch(`${base}${seeded.path}`, { headers: seeded.headers });
    if (first.status !== 200) throw new Error(`private feed answered ${first.status}`);
    const body = Buffer.from(await first.arrayBuffer());
    const etag = first.headers.get('etag')!;
    writeFileSync(staticFile, body);
    const staticUrl = `${env.staticUrl}/${staticFile.split('/').pop()}`;
    const check = await fetch(staticUrl);
    if (!check.ok || (await check.arrayBuffer()).byteLength !== body.length)
      throw new Error('static nginx does not serve the copy');

    console.log(
      `feed: ${EPISODES} episodes, ${body.length} bytes; wrk -t1 -c${CONNECTIONS} -d${SECONDS}s; ${cpus().length} cores`,
    );
    const loadBefore = loadavg()[0]!;
    const full = wrk(`${base}${seeded.path}`, seeded.headers);
    console.log('full render', full);
    const notModified = wrk(`${base}${seeded.path}`, { ...seeded.headers, 'If-None-Match': etag });
    console.log('304', notModified);
    const statik = wrk(staticUrl, {});
    console.log('static nginx', statik);
    if (full.non2xx || notModified.non2xx || statik.non2xx)
      throw new Error('unexpected error responses during the run');

    const loadAfter = loadavg()[0]!;
    const ratio = full.rps / statik.rps;
    console.log(`load average (1 min) ${loadBefore.toFixed(2)} before, ${loadAfter.toFixed(2)} after`);
    if (!WRITE) {
      console.log(`ratio full/static ${ratio.toFixed(2)} (FEED_BENCH_WRITE=0: BENCHMARKS.md untouched)`);
      return;
    }
    const section = `<!-- feeds:begin -->
## Feeds: private feed render vs static nginx

Command: \`set -a; . .stack/env; set +a; npx node bench/feed-render.ts\` (stack up; \`wrk -t1 -c${CONNECTIONS} -d${SECONDS}s\` per case, one run, ${new Date().toISOString().slice(0, 10)}, ${cpus().length} cores shared by wrk and the measured processes; 1-min load average ${loadBefore.toFixed(1)} before, ${loadAfter.toFixed(1)} after).
Private feed of a show with ${EPISODES} episodes for one subscriber: ${(body.length / 1024).toFixed(0)} KiB of RSS, uncompressed.
The feeds service runs as its own process (src/main.ts, one Node process) and gets the edge's identity headers directly.

| case | req/s | p50 | p99 | vs static |
|---|---:|---:|---:|---:|
| full render (no validator) | ${full.rps.toFixed(0)} | ${full.p50ms.toFixed(2)} ms | ${full.p99ms.toFixed(2)} ms | ${ratio.toFixed(2)} |
| 304 (If-None-Match) | ${notModified.rps.toFixed(0)} | ${notModified.p50ms.toFixed(2)} ms | ${notModified.p99ms.toFixed(2)} ms | ${(notModified.rps / statik.rps).toFixed(2)} |
| nginx static file, same bytes | ${statik.rps.toFixed(0)} | ${statik.p50ms.toFixed(2)} ms | ${statik.p99ms.toFixed(2)} ms | 1.00 |

Target: full render ≥ 0.3 of static — ${ratio >= 0.3 ? 'met' : 'missed'} (${ratio.toFixed(2)}).
Per request the feed reads no Postgres: the subscriber's access and the plan grants come from the auth
side's Redis records (\`gh:v1:sub:*\`, \`gh:v1:plan:*\`) behind a ≤ 1 s in-process cache (Postgres
only when a record is missing, written back), the show/tier template from the render cache. A full
render is then the token check (memoised HMAC), one ${(body.length / 1024).toFixed(0)} KiB copy of the template parts with the token
spliced in — into a reused buffer, given back only once its response went to the OS
(services/feeds/src/domain/body-pool.ts) — and the socket write; a 304 never builds the body.
What bounds a full render (\`FEED_BENCH_NODE_ARGS=--cpu-prof FEED_BENCH_WRITE=0\`, full-render phase,
2026-11-22): ~46 % of the feeds process in \`writev\` (the kernel copying the megabyte into the
socket), ~15 % assembling the body, the rest Fastify/HTTP and idle; before the buffer reuse, allocation
and GC of a fresh megabyte per request took another ~20 % (548 → 1,329 req/s in back-to-back runs).
nginx sends the same bytes with sendfile() (one kernel copy, no user-space work), and both share the
2 cores with wrk and other engineers' work, so the ratio moves with the load average.
<!-- feeds:end -->`;
    const file = join(ROOT, 'BENCHMARKS.md');
    let text = '';
    try {
      text = readFileSync(file, 'utf8');
    } catch {
      text = '# Benchmarks\n';
    }
    text = /<!-- feeds:begin -->[\s\S]*<!-- feeds:end -->/.test(text)
      ? text.replace(/<!-- feeds:begin -->[\s\S]*<!-- feeds:end -->/, section)
      : `${text.trimEnd()}\n\n${section}\n`;
    writeFileSync(file, text);
    console.log(`ratio full/static ${ratio.toFixed(2)}; written to BENCHMARKS.md`);
  } finally {
    server.kill('SIGTERM');
    rmSync(staticFile, { force: true });
    await prisma.tenant.delete({ where: { id: seeded.tenantId } }).catch(() => {});
    await prisma.$disconnect();
  }
}

await main();
