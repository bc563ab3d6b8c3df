import { type ChildProcess, spawn } from 'node:child_process';
import { createWriteStream, mkdirSync } from 'node:fs';
import path from 'node:path';
import { stackEnv, waitFor } from '@gatehouse/testkit';
import { E2E_ACTIVE_KID, E2E_INTERNAL_API_TOKEN, E2E_TOKEN_KEYS } from '../support/platform.ts';
import { freePort } from './edge-records-rig.ts';

const ROOT = path.resolve(import.meta.dirname, '..', '..');
const NODE = path.join(ROOT, 'node_modules', '.bin', 'node');
const SERVICE = path.join(ROOT, 'services', 'analytics', 'src');

/**
 * The real analytics service (`services/analytics/src/main.ts`) and its `replay` command as child
 * processes on a private NATS and a private database, so the test can SIGKILL them mid-replay.
 */
export async function analyticsRig(options: { natsUrl: string; databaseUrl: string; batchSize: number }) {
  const stack = stackEnv();
  const port = await freePort();
  const logDir = path.join(stack.logDir, 'e2e');
  mkdirSync(logDir, { recursive: true });
  const log = path.join(logDir, `analytics-replay-${port}.log`);
  const out = createWriteStream(log, { flags: 'a' });
  const env = {
    PATH: process.env.PATH ?? '',
    PORT: String(port),
    HOST: '127.0.0.1',
    LOG_LEVEL: 'warn',
    DATABASE_URL: options.databaseUrl,
    NATS_URL: options.natsUrl,
    ANALYTICS_BATCH_SIZE: String(options.batchSize),
    SHUTDOWN_GRACE_MS: '2000',
    // The sharing part of the same service needs these; nothing here sends mail or resets feeds.
    SMTP_URL: stack.smtpUrl,
    TOKEN_KEYS: E2E_TOKEN_KEYS,
    TOKEN_ACTIVE_KID: E2E_ACTIVE_KID,
    INTERNAL_API_TOKEN: E2E_INTERNAL_API_TOKEN,
    PUBLIC_BASE_URL: stack.edgeUrl,
  };
  const run = (entry: string) => {
    const child = spawn(NODE, [path.join(SERVICE, entry)], {
      cwd: ROOT,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout?.pipe(out, { end: false });
    child.stderr?.pipe(out, { end: false });
    return child;
  };
  const exited = (child: ChildProcess) =>
    new Promise<number | null>((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) resolve(child.exitCode);
      else child.once('exit', (code) => resolve(code));
    });
  let service: ChildProcess | undefined;

  const rig = {
    url: `http://127.0.0.1:${port}`,
    log,
    async start() {
      service = run('main.ts');
      const child = service;
      await waitFor(
        async () => {
          if (child.exitCode !== null)
            throw new Error(`analytics exited with ${child.exitCode}; log: ${log}`);
          const ok = await fetch(`${rig.url}/readyz`, { signal: AbortSignal.timeout(1000) })
            .then((r) => r.ok)
            .catch(() => false);
          return ok || undefined;
        },
        { timeoutMs: 30_000, intervalMs: 100, description: 'analytics /readyz' },
      );
    },
    /** SIGKILL: no graceful shutdown, a batch in flight is neither committed nor acked. */
    async kill() {
      if (!service) return;
      const child = service;
      service = undefined;
      child.kill('SIGKILL');
      await exited(child);
    },
    async stop() {
      if (!service) return;
      const child = service;
      service = undefined;
      child.kill('SIGTERM');
      setTimeout(() => child.kill('SIGKILL'), 5000).unref();
      await exited(child);
    },
    /** `npm run replay`: empties the counting tables and recounts from the stream start; exits when caught up. */
    async replay() {
      const code = await exited(run('replay.main.ts'));
      if (code !== 0) throw new Error(`replay exited with ${code}; log: ${log}`);
    },
    async get(pathAndQuery: string, apiKey: string) {
      const response = await fetch(`${rig.url}${pathAndQuery}`, {
        headers: { authorization: `Bearer ${apiKey}` },
      });
      return {
        status: response.status,
        type: response.headers.get('content-type') ?? '',
        body: await response.text(),
      };
    },
    close: () => rig.stop().finally(() => out.end()),
  };
  return rig;
}
