/**
 * The auth hop on its own: req/s and latency of `GET /edge/media/...` (warm in-process cache, real
 * Redis behind it) next to `/healthz` (the same Fastify server doing no work) in one run.
 *
 *   source .stack/env && npx node bench/auth-hop.bench.ts [seconds=10] [connections=32]
 *   AUTH_CPU_PROF=/tmp/prof … — also write a V8 CPU profile of the auth process (--cpu-prof)
 *
 * Starts `services/auth/src/main.ts` as its own process (as nginx would see it), seeds one subscriber,
 * plan, episode and origin record in the stack's Redis under random ids, and drives both URLs with a
 * keep-alive HTTP client (like an nginx `keepalive` upstream). Prints a small table; numbers are for
 * the report, not a pass/fail.
 */
import { spawn } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { Agent, request } from 'node:http';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { createVersionedStore } from '@gatehouse/access-cache';
import { redisKeys } from '@gatehouse/contracts';
import { issueAccessToken, parseKeyring } from '@gatehouse/tokens';
import { Redis } from 'ioredis';

const seconds = Number(process.argv[2] ?? 10);
const connections = Number(process.argv[3] ?? 32);
const redisUrl = process.env.REDIS_URL;
const natsUrl = process.env.NATS_URL;
if (!redisUrl || !natsUrl) throw new Error('REDIS_URL and NATS_URL must be set (source .stack/env)');

const repo = fileURLToPath(new URL('../', import.meta.url));
const port = await new Promise<number>((resolve) => {
  const server = createServer().listen(0, '127.0.0.1', () => {
    const { port: free } = server.address() as { port: number };
    server.close(() => resolve(free));
  });
});

const keySpec = `k1:${randomBytes(32).toString('base64url')}`;
const keyring = parseKeyring(keySpec, 'k1');
const tenantId = randomUUID();
const subscriberId = randomUUID();
const planId = randomUUID();
const showId = randomUUID();
const episodeId = randomUUID();
const objectKey = `bench/${randomUUID()}/episode.mp3`;
const redis = new Redis(redisUrl);
const store = createVersionedStore(redis);
const ttl = (seconds + 60) * 1000;
await store.putIfNewer(
  redisKeys.subscriber(subscriberId),
  {
    tenantId,
    subscriberId,
    generation: 1,
    plans: [{ planId, until: null }],
    lifecycle: 'active',
    version: 1,
  },
  ttl,
);
await store.putIfNewer(
  redisKeys.plan(planId),
  { tenantId, planId, showIds: [showId], episodeIds: [], version: 1 },
  ttl,
);
await store.putIfNewer(redisKeys.tenant(tenantId), { tenantId, status: 'active', version: 1 }, ttl);
await store.putIfNewer(
  redisKeys.episode(episodeId),
  {
    tenantId,
    showId,
    episodeId,
    status: 'published',
    visibility: 'premium',
    publicFrom: null,
    publishedAt: Date.now() - 1000,
    media: {
      storage: 's3',
      objectKey,
      contentType: 'audio/mpeg',
      byteSize: 1 << 20,
      fileName: 'episode.mp3',
    },
    version: 1,
  },
  ttl,
);
await redis.set(
  redisKeys.origin(objectKey),
  JSON.stringify({
    objectKey,
    url: `http://127.0.0.1:59000/b/${objectKey}?X-Amz-Signature=x`,
    expiresAt: Date.now() + 6 * 3600_000,
  }),
  'PX',
  ttl,
);

// The same Node 24 that runs this script, spawned directly so SIGTERM reaches the server itself.
const profDir = process.env.AUTH_CPU_PROF;
const nodeArgs = profDir ? ['--cpu-prof', '--cpu-prof-dir', profDir] : [];
const child = spawn(process.execPath, [...nodeArgs, 'services/auth/src/main.ts'], {
  cwd: repo,
  env: {
    ...process.env,
    HOST: '127.0.0.1',
    PORT: String(port),
    LOG_LEVEL: 'warn',
    TOKEN_KEYS: keySpec,
    TOKEN_ACTIVE_KID: 'k1',
    PUBLIC_BASE_URL: 'http://127.0.0.1:58080',
    MEDIA_INTERNAL_URL: 'http://127.0.0.1:1',
    INTERNAL_API_TOKEN: 'bench-internal-token-0123456789abcdef',
  },
  stdio: ['ignore', 'ignore', 'inherit'],
});

const agent = new Agent({ keepAlive: true, maxSockets: connections });
function hit(path: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, agent }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', reject);
    req.end();
  });
}

async function waitUntilUp() {
  for (let i = 0; i < 100; i++) {
    try {
      if ((await hit('/healthz')) === 200) return;
    } catch {}
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error('auth did not start');
}

async function run(name: string, path: string, expect: number) {
  const latencies: number[] = [];
  let errors = 0;
  const deadline = Date.now() + seconds * 1000;
  const worker = async () => {
    while (Date.now() < deadline) {
      const start = process.hrtime.bigint();
      const status = await hit(path);
      latencies.push(Number(process.hrtime.bigint() - start) / 1e6);
      if (status !== expect) errors++;
    }
  };
  await Promise.all(Array.from({ length: connections }, worker));
  latencies.sort((a, b) => a - b);
  const pct = (p: number) =>
    latencies[Math.min(latencies.length - 1, Math.floor(latencies.length * p))]!.toFixed(2);
  return { name, rps: Math.round(latencies.length / seconds), p50: pct(0.5), p99: pct(0.99), errors };
}

try {
  await waitUntilUp();
  const token = issueAccessToken(keyring, { tenantId, subscriberId, generation: 1 });
  const mediaPath = `/edge/media/${token}/${episodeId}/episode.mp3`;
  const decidePath = `/edge/decide/media/${token}/${episodeId}/episode.mp3`;
  if ((await hit(mediaPath)) !== 200) throw new Error('media request is not granted; seeding failed');
  // Warm-up: JIT and the in-process cache.
  const warm = seconds;
  const quick = Math.max(1, Math.floor(warm / 5));
  await runFor(quick, '/healthz');
  await runFor(quick, mediaPath);
  await runFor(quick, decidePath);
  const results = [
    await run('/healthz (baseline)', '/healthz', 200),
    await run('/edge/media (grant, s3)', mediaPath, 200),
    await run('/edge/decide/media (grant, s3; what nginx asks)', decidePath, 200),
  ];
  console.log(
    `auth hop: ${seconds}s per run, ${connections} keep-alive connections, node ${process.version}`,
  );
  console.log('| route | req/s | p50 ms | p99 ms | errors |');
  console.log('|---|---:|---:|---:|---:|');
  for (const r of results) console.log(`| ${r.name} | ${r.rps} | ${r.p50} | ${r.p99} | ${r.errors} |`);
  console.log(`ratio media/healthz: ${(results[1]!.rps / results[0]!.rps).toFixed(2)}`);
  console.log(`ratio decide/healthz: ${(results[2]!.rps / results[0]!.rps).toFixed(2)}`);
} finally {
  child.kill('SIGTERM');
  agent.destroy();
  await redis.del(
    redisKeys.subscriber(subscriberId),
    redisKeys.plan(planId),
    redisKeys.tenant(tenantId),
    redisKeys.episode(episodeId),
    redisKeys.origin(objectKey),
  );
  await redis.quit();
}

async function runFor(secs: number, path: string) {
  const deadline = Date.now() + secs * 1000;
  await Promise.all(
    Array.from({ length: connections }, async () => {
      while (Date.now() < deadline) await hit(path);
    }),
  );
}
