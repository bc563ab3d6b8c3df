import { type ChildProcess, spawn } from 'node:child_process';
import { createWriteStream, existsSync, mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { stackEnv, waitFor } from '@gatehouse/testkit';

/**
 * Starts the real services for end-to-end tests: `node services/<name>/src/main.ts` with the
 * local stack's env plus test keys, on their standard ports; waits for `/readyz`; kills what it
 * started at the end. A service already answering on its port is reused (and left running).
 */
export type ServiceName = 'auth' | 'media' | 'feeds' | 'billing';

export const SERVICE_PORTS: Record<ServiceName, number> = {
  auth: 53001,
  media: 53002,
  feeds: 53003,
  billing: 53004,
};

const ROOT = path.resolve(import.meta.dirname, '..', '..');
const NODE = path.join(ROOT, 'node_modules', '.bin', 'node');

/**
 * Secrets of the services started by `scripts/platform.sh up` (.stack/platform.env), when those
 * services run: tests then reuse them, and must mint tokens / sign webhooks with the same secrets.
 */
function runningPlatformSecrets(): Record<string, string> {
  const stackDir = path.join(ROOT, '.stack');
  const envFile = path.join(stackDir, 'platform.env');
  const pidFile = path.join(stackDir, 'pids', 'auth.pid');
  if (!existsSync(envFile) || !existsSync(pidFile)) return {};
  try {
    process.kill(Number(readFileSync(pidFile, 'utf8').trim()), 0);
  } catch {
    return {};
  }
  const secrets: Record<string, string> = {};
  for (const match of readFileSync(envFile, 'utf8').matchAll(
    /^export (TOKEN_KEYS|TOKEN_ACTIVE_KID|STRIPE_WEBHOOK_SECRETS|INTERNAL_API_TOKEN)=(\S+)$/gm,
  ))
    secrets[match[1]!] = match[2]!;
  return secrets.TOKEN_KEYS && secrets.TOKEN_ACTIVE_KID ? secrets : {};
}
const platformSecrets = runningPlatformSecrets();

/** Test token keys; a reused service must have been started with the same TOKEN_KEYS. */
export const E2E_TOKEN_KEYS =
  process.env.TOKEN_KEYS ??
  platformSecrets.TOKEN_KEYS ??
  'e2e1:ZTJlLXRva2VuLWtleS0wMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDA';
export const E2E_ACTIVE_KID =
  process.env.TOKEN_ACTIVE_KID ??
  (process.env.TOKEN_KEYS ? undefined : platformSecrets.TOKEN_ACTIVE_KID) ??
  'e2e1';
/** Billing's webhook signing secret for services this harness starts (or the running platform's). */
export const E2E_WEBHOOK_SECRETS =
  process.env.STRIPE_WEBHOOK_SECRETS ?? platformSecrets.STRIPE_WEBHOOK_SECRETS ?? 'whsec_e2e_webhook_secret';

export interface Platform {
  /** Base URL of each service (direct, not through the edge). */
  url(name: ServiceName): string;
  /** Services this harness started (the others were reused). */
  started: ServiceName[];
  stop(): Promise<void>;
}

async function ready(port: number): Promise<boolean> {
  try {
    const response = await fetch(`http://127.0.0.1:${port}/readyz`, { signal: AbortSignal.timeout(1000) });
    return response.ok;
  } catch {
    return false;
  }
}

export function serviceEnv(name: ServiceName): NodeJS.ProcessEnv {
  const stack = stackEnv();
  return {
    ...process.env,
    HOST: '127.0.0.1',
    PORT: String(SERVICE_PORTS[name]),
    LOG_LEVEL: process.env.E2E_SERVICE_LOG_LEVEL ?? 'warn',
    TOKEN_KEYS: E2E_TOKEN_KEYS,
    TOKEN_ACTIVE_KID: E2E_ACTIVE_KID,
    PUBLIC_BASE_URL: stack.edgeUrl,
    MEDIA_INTERNAL_URL: `http://127.0.0.1:${SERVICE_PORTS.media}`,
    // Shared with reused platform services (a replica started here must talk to their media/billing).
    INTERNAL_API_TOKEN:
      process.env.INTERNAL_API_TOKEN ??
      platformSecrets.INTERNAL_API_TOKEN ??
      'e2e-internal-api-token-0123456789abcdef',
    // billing's webhook secret; feeds calls billing's internal rotation route.
    STRIPE_WEBHOOK_SECRETS: E2E_WEBHOOK_SECRETS,
    BILLING_URL: `http://127.0.0.1:${SERVICE_PORTS.billing}`,
  };
}

/** Starts (or reuses) the named services; throws naming the service and its log if one never gets ready. */
export async function startPlatform(
  names: ServiceName[],
  options: { timeoutMs?: number } = {},
): Promise<Platform> {
  const stack = stackEnv();
  const logDir = path.join(stack.logDir, 'e2e');
  mkdirSync(logDir, { recursive: true });
  const children = new Map<ServiceName, ChildProcess>();
  const started: ServiceName[] = [];
  const stop = async () => {
    await Promise.all(
      [...children.values()].map(
        (child) =>
          new Promise<void>((resolve) => {
            if (child.exitCode !== null || child.signalCode !== null) return resolve();
            child.once('exit', () => resolve());
            child.kill('SIGTERM');
            setTimeout(() => child.kill('SIGKILL'), 5000).unref();
          }),
      ),
    );
  };
  try {
    for (const name of names) {
      const port = SERVICE_PORTS[name];
      if (await ready(port)) continue;
      const log = path.join(logDir, `${name}.log`);
      const out = createWriteStream(log, { flags: 'a' });
      const child = spawn(NODE, [path.join(ROOT, 'services', name, 'src', 'main.ts')], {
        cwd: ROOT,
        env: serviceEnv(name),
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      child.stdout?.pipe(out);
      child.stderr?.pipe(out);
      children.set(name, child);
      started.push(name);
      try {
        await waitFor(
          async () => {
            if (child.exitCode !== null) throw new Error(`exited with code ${child.exitCode}`);
            return (await ready(port)) || undefined;
          },
          { timeoutMs: options.timeoutMs ?? 30_000, intervalMs: 200 },
        );
      } catch (error) {
        throw new Error(
          `${name} did not become ready on :${port} (${(error as Error).message}); log: ${log}`,
        );
      }
    }
  } catch (error) {
    await stop();
    throw error;
  }
  return { url: (name) => `http://127.0.0.1:${SERVICE_PORTS[name]}`, started, stop };
}
