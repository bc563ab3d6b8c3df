import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { createWriteStream, existsSync, mkdirSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { keepOutputTail, stackEnv, stopIfExited, waitFor } from '@gatehouse/testkit';
import { localSecureLinkSecret } from '../../nginx-ingress/src/edge-values.ts';
import { E2E_SECRETS, E2E_SECRETS_SOURCE, e2eStrict } from './e2e-secrets.ts';
import { rejectedSecrets } from './secret-probe.ts';

export {
  E2E_ACTIVE_KID,
  E2E_INTERNAL_API_TOKEN,
  E2E_OPERATOR_API_KEY,
  E2E_TOKEN_KEYS,
  E2E_WEBHOOK_SECRET,
  E2E_WEBHOOK_SECRETS,
} from './e2e-secrets.ts';

/**
 * Starts the real services for end-to-end tests: `node services/<name>/src/main.ts` with the
 * local stack's env plus the harness's secrets (e2e-secrets.ts), on their standard ports; waits
 * for `/readyz`; `stop()` kills what it started (call it in `after`: it runs on failure too).
 * A service already answering on its port is reused (and left running) once it has proven it
 * holds the harness's secrets (secret-probe.ts); one that does not is an error naming it.
 */
export type ServiceName = 'auth' | 'media' | 'feeds' | 'billing' | 'analytics' | 'web';

export const SERVICE_PORTS: Record<ServiceName, number> = {
  auth: 53001,
  media: 53002,
  feeds: 53003,
  billing: 53004,
  analytics: 53005,
  web: 53006,
};

const ROOT = path.resolve(import.meta.dirname, '..', '..');
const NODE = path.join(ROOT, 'node_modules', '.bin', 'node');

export interface Platform {
  /** Base URL of each service (direct, not through the edge). */
  url(name: ServiceName): string;
  /** Services this harness started (the others were reused). */
  started: ServiceName[];
  /**
   * Set (only with `onMismatch: 'report'` outside strict mode) when a reused service rejects the
   * harness's secrets: the caller skips with this reason.
   */
  mismatch?: string;
  stop(): Promise<void>;
}

/** A reused service rejects the harness's secrets. */
export class SecretMismatchError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SecretMismatchError';
  }
}

async function ready(port: number): Promise<boolean> {
  try {
    const response = await fetch(`http://127.0.0.1:${port}/readyz`, { signal: AbortSignal.timeout(1000) });
    return response.ok;
  } catch {
    return false;
  }
}

/** The environment of a service the harness starts: the stack's addresses and the harness's secrets. */
export function serviceEnv(name: ServiceName): NodeJS.ProcessEnv {
  const stack = stackEnv();
  return {
    ...process.env,
    HOST: '127.0.0.1',
    PORT: String(SERVICE_PORTS[name]),
    LOG_LEVEL: process.env.E2E_SERVICE_LOG_LEVEL ?? 'warn',
    PUBLIC_BASE_URL: stack.edgeUrl,
    MEDIA_INTERNAL_URL: `http://127.0.0.1:${SERVICE_PORTS.media}`,
    BILLING_URL: `http://127.0.0.1:${SERVICE_PORTS.billing}`,
    // Not a harness secret: the one the stack's nginx verifies /s/ links with (same lookup as its render).
    SECURE_LINK_SECRET: localSecureLinkSecret({ STACK_DIR: stack.stackDir }),
    // Every browser test starts its Checkouts from 127.0.0.1: the per-address limit would be shared
    // by the whole suite (billing's own tests cover the limit itself).
    PUBLIC_CHECKOUTS_PER_MINUTE: process.env.PUBLIC_CHECKOUTS_PER_MINUTE ?? '1000',
    // Last, so nothing in the caller's environment overrides them.
    ...E2E_SECRETS,
  };
}

/**
 * The web service serves the built pages (services/web/ui/dist): build them when missing or older than
 * their sources, as scripts/platform.sh does.
 */
function ensureWebUiBuilt(): void {
  const ui = path.join(ROOT, 'services', 'web', 'ui');
  const built = path.join(ui, 'dist', 'index.html');
  const newest = (dir: string): number =>
    readdirSync(dir, { withFileTypes: true }).reduce((latest, entry) => {
      const full = path.join(dir, entry.name);
      return Math.max(latest, entry.isDirectory() ? newest(full) : statSync(full).mtimeMs);
    }, 0);
  const sources = Math.max(newest(path.join(ui, 'src')), statSync(path.join(ui, 'index.html')).mtimeMs);
  if (existsSync(built) && statSync(built).mtimeMs >= sources) return;
  const build = spawnSync(
    NODE,
    [path.join(ROOT, 'node_modules', 'vite', 'bin', 'vite.js'), 'build', '--config', 'ui/vite.config.ts'],
    {
      cwd: path.join(ROOT, 'services', 'web'),
      stdio: ['ignore', 'pipe', 'pipe'],
      encoding: 'utf8',
    },
  );
  if (build.status !== 0)
    throw new Error(
      `building the web UI failed (npm run build:ui -w @gatehouse/web):\n${build.stderr || build.stdout}`,
    );
}

/** Services started by any startPlatform of this process: killed if the process exits without stop(). */
const live = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of live) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
});

/**
 * Starts (or reuses) the named services; throws naming the service and its log if one never gets
 * ready, and naming the service and the setting if a reused one rejects the harness's secrets
 * (`onMismatch: 'report'` returns that as `mismatch` instead, unless GATEHOUSE_E2E_STRICT=1).
 */
export async function startPlatform(
  names: ServiceName[],
  options: { timeoutMs?: number; onMismatch?: 'throw' | 'report' } = {},
): Promise<Platform> {
  const stack = stackEnv();
  const logDir = path.join(stack.logDir, 'e2e');
  mkdirSync(logDir, { recursive: true });
  const children = new Map<ServiceName, ChildProcess>();
  const started: ServiceName[] = [];
  const mismatches: string[] = [];
  const stop = async () => {
    await Promise.all(
      [...children.values()].map(
        (child) =>
          new Promise<void>((resolve) => {
            const done = () => {
              live.delete(child);
              resolve();
            };
            if (child.exitCode !== null || child.signalCode !== null) return done();
            child.once('exit', done);
            child.kill('SIGTERM');
            setTimeout(() => child.kill('SIGKILL'), 5000).unref();
          }),
      ),
    );
  };
  try {
    for (const name of names) {
      const port = SERVICE_PORTS[name];
      if (await ready(port)) {
        const rejected = await rejectedSecrets(name, `http://127.0.0.1:${port}`);
        if (rejected.length > 0)
          mismatches.push(
            `${name} on 127.0.0.1:${port} was not started by this test and rejects the harness's ${rejected.join(', ')}`,
          );
        continue;
      }
      if (name === 'web') ensureWebUiBuilt();
      const log = path.join(logDir, `${name}.log`);
      const out = createWriteStream(log, { flags: 'a' });
      const child = spawn(NODE, [path.join(ROOT, 'services', name, 'src', 'main.ts')], {
        cwd: ROOT,
        env: serviceEnv(name),
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      child.stdout?.pipe(out);
      child.stderr?.pipe(out);
      const tail = keepOutputTail(child);
      children.set(name, child);
      live.add(child);
      started.push(name);
      try {
        await waitFor(
          async () => {
            stopIfExited(name, child, tail);
            return (await ready(port)) || undefined;
          },
          { timeoutMs: options.timeoutMs ?? 90_000, intervalMs: 200 },
        );
      } catch (error) {
        throw new Error(
          `${name} did not become ready on :${port} (${(error as Error).message}); log: ${log}`,
        );
      }
    }
    if (mismatches.length > 0) {
      const message =
        `${mismatches.join('; ')}. The harness's secrets come from ${E2E_SECRETS_SOURCE}. ` +
        'Stop that process (or `bash scripts/platform.sh down` if the platform started it) so the harness starts its own.';
      if (options.onMismatch !== 'report' || e2eStrict()) throw new SecretMismatchError(message);
      return { url: (n) => `http://127.0.0.1:${SERVICE_PORTS[n]}`, started, mismatch: message, stop };
    }
  } catch (error) {
    await stop();
    throw error;
  }
  return { url: (name) => `http://127.0.0.1:${SERVICE_PORTS[name]}`, started, stop };
}
