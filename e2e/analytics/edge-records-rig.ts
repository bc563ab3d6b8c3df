import { type ChildProcess, execFileSync, spawn, spawnSync } from 'node:child_process';
import {
  chmodSync,
  createWriteStream,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { waitFor } from '@gatehouse/testkit';
import { renderLocal } from '../../nginx-ingress/src/edge-targets.ts';
import { resolveValues, type ValuesOverride } from '../../nginx-ingress/src/edge-values.ts';
import { NGINX_BIN } from '../../nginx-ingress/src/nginx-check.ts';
import { serviceEnv } from '../support/platform.ts';

/**
 * Private parts for the edge-records tests and bench (issue 11): a real auth service and a real
 * nginx rendered from nginx-ingress with `records` on, both on free ports (the shared edge and the
 * services on 53001–53004 are never touched), and the real shipper process. nginx trusts
 * 127.0.0.1 as a proxy (realIp), so a test sets the client address with X-Forwarded-For.
 */
const ROOT = path.resolve(import.meta.dirname, '..', '..');
const NODE = process.execPath;

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

const live = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of live) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
});

export interface Child {
  process: ChildProcess;
  /** Resolves when the process has exited. */
  exited: Promise<void>;
  stop(signal?: NodeJS.Signals): Promise<void>;
}

function child(file: string, env: NodeJS.ProcessEnv, log: string): Child {
  const proc = spawn(NODE, [file], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  const out = createWriteStream(log, { flags: 'a' });
  proc.stdout?.pipe(out);
  proc.stderr?.pipe(out);
  live.add(proc);
  const exited = new Promise<void>((resolve) =>
    proc.once('exit', () => {
      live.delete(proc);
      resolve();
    }),
  );
  return {
    process: proc,
    exited,
    async stop(signal: NodeJS.Signals = 'SIGTERM') {
      if (proc.exitCode === null && proc.signalCode === null) proc.kill(signal);
      await exited;
    },
  };
}

/** The auth service (this worktree's code) on a free port, with the harness's keys. */
export async function startPrivateAuth(dir: string): Promise<Child & { port: number }> {
  const port = await freePort();
  const auth = child(
    path.join(ROOT, 'services', 'auth', 'src', 'main.ts'),
    { ...serviceEnv('auth'), PORT: String(port) },
    path.join(dir, 'auth.log'),
  );
  await waitFor(
    async () => {
      if (auth.process.exitCode !== null)
        throw new Error(`auth exited: ${readFileSync(path.join(dir, 'auth.log'), 'utf8')}`);
      return (await fetch(`http://127.0.0.1:${port}/readyz`).catch(() => undefined))?.ok === true;
    },
    { timeoutMs: 20_000, intervalMs: 100 },
  );
  return { ...auth, port };
}

export interface RecordsEdge {
  url: string;
  dir: string;
  recordsLog: string;
  pidFile: string;
  /** Stops nginx (graceful quit) and starts it again on the same files: a new master, new workers. */
  restart(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * nginx rendered by nginx-ingress (local target) against `authPort`, records on or off. `workers`
 * as the stack (2); the protected directory is the stack's (the fixtures write media there).
 */
export async function startRecordsEdge(options: {
  authPort: number;
  protectedDir: string;
  records: boolean;
  workers?: number;
  values?: ValuesOverride;
}): Promise<RecordsEdge> {
  const dir = mkdtempSync(path.join(tmpdir(), 'gh-records-edge-'));
  const port = await freePort();
  const recordsLog = path.join(dir, 'records', 'edge-records.log');
  for (const sub of ['logs', 'records', 'cache', 'tmp']) mkdirSync(path.join(dir, sub));
  const values = resolveValues('local', {
    listen: [`127.0.0.1:${port}`],
    upstreams: { auth: { servers: [`127.0.0.1:${options.authPort}`], keepalive: 64 } },
    cache: { path: path.join(dir, 'cache', 'media') },
    authCache: { path: path.join(dir, 'cache', 'auth') },
    media: { xAccelListen: [] },
    protectedDir: options.protectedDir,
    realIp: { from: ['127.0.0.1'] },
    ...options.values,
    // Merged, so a test can change how records are written but not where the rig reads them.
    records: { ...options.values?.records, enabled: options.records, path: recordsLog },
  });
  const pidFile = path.join(dir, 'nginx.pid');
  const worker = execFileSync('id', ['-un'], { encoding: 'utf8' }).trim() === 'root' ? 'www-data' : '';
  writeFileSync(
    path.join(dir, 'nginx.conf'),
    [
      worker ? `user ${worker};` : '',
      `worker_processes ${options.workers ?? 2};`,
      `pid ${pidFile};`,
      `error_log ${dir}/logs/error.log notice;`,
      'events { worker_connections 4096; }',
      'http {',
      '  default_type application/octet-stream;',
      `  access_log ${dir}/logs/access.log;`,
      ...['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi'].map((t) => `  ${t}_temp_path ${dir}/tmp/${t};`),
      '  sendfile on;',
      '  tcp_nopush on;',
      '  keepalive_requests 100000;',
      renderLocal(values),
      '}',
      '',
    ].join('\n'),
  );
  if (worker)
    execFileSync('chown', [
      '-R',
      `${worker}:`,
      path.join(dir, 'cache'),
      path.join(dir, 'tmp'),
      path.join(dir, 'records'),
    ]);
  chmodSync(dir, 0o755);
  const args = [
    '-p',
    `${dir}/`,
    '-c',
    path.join(dir, 'nginx.conf'),
    '-e',
    path.join(dir, 'logs', 'error.log'),
  ];
  const url = `http://127.0.0.1:${port}`;
  const start = async () => {
    const started = spawnSync(NGINX_BIN, args, { encoding: 'utf8' });
    if (started.status !== 0) throw new Error(`private nginx did not start: ${started.stderr}`);
    await waitFor(async () => (await fetch(`${url}/healthz`).catch(() => undefined))?.ok === true, {
      timeoutMs: 10_000,
      intervalMs: 50,
    });
  };
  const quit = async () => {
    spawnSync(NGINX_BIN, [...args, '-s', 'quit']);
    await waitFor(async () => (await fetch(`${url}/healthz`).catch(() => undefined)) === undefined, {
      timeoutMs: 10_000,
      intervalMs: 50,
    }).catch(() => undefined);
  };
  await start();
  return {
    url,
    dir,
    recordsLog,
    pidFile,
    async restart() {
      await quit();
      await waitFor(() => !existsSync(pidFile), { timeoutMs: 10_000, intervalMs: 50 });
      await start();
    },
    async stop() {
      await quit();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** The shipper process (services/analytics/src/shipper.main.ts) on the edge's records log. */
export function startShipper(options: {
  edge: Pick<RecordsEdge, 'dir' | 'recordsLog' | 'pidFile'>;
  natsUrl: string;
  redisUrl: string;
  stream: string;
  subject: string;
  env?: NodeJS.ProcessEnv;
}): Child {
  return child(
    path.join(ROOT, 'services', 'analytics', 'src', 'shipper.main.ts'),
    {
      ...process.env,
      LOG_LEVEL: 'info',
      NATS_URL: options.natsUrl,
      REDIS_URL: options.redisUrl,
      EDGE_RECORDS_LOG: options.edge.recordsLog,
      EDGE_RECORDS_STREAM: options.stream,
      EDGE_RECORDS_SUBJECT: options.subject,
      EDGE_RECORDS_RETENTION_DAYS: '1',
      NGINX_PID_FILE: options.edge.pidFile,
      EDGE_RECORDS_POLL_MS: '20',
      EDGE_RECORDS_GRACE_MS: '1500',
      SHIPPER_METRICS_PORT: '0',
      ...options.env,
    },
    path.join(options.edge.dir, 'logs', 'shipper.log'),
  );
}
