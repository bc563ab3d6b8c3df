import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';

/**
 * The one source of the secrets every e2e test and bench signs, mints and calls with. Nothing
 * else in e2e/ or bench/ holds a secret, and the process environment is not consulted: a
 * TOKEN_KEYS left in a shell must not make a test mint tokens the services it started reject.
 *
 * - `scripts/platform.sh up` services running (a live pid in .stack/pids/) → the secrets they
 *   were started with, from `.stack/platform.env`; the harness reuses those services.
 * - otherwise → the harness's own fixed test set, which every service it starts receives.
 *
 * A service on a standard port that accepts neither is found by `startPlatform` (it probes every
 * reused service) and reported there.
 */
export interface E2eSecrets {
  TOKEN_KEYS: string;
  TOKEN_ACTIVE_KID: string;
  STRIPE_WEBHOOK_SECRETS: string;
  INTERNAL_API_TOKEN: string;
  /** The web service's operator API credential (`/operator/v1/…`, the `gatehouse` CLI). */
  OPERATOR_API_KEY: string;
}

const ROOT = path.resolve(import.meta.dirname, '..', '..');
const STACK_DIR = path.join(ROOT, '.stack');
export const PLATFORM_ENV_FILE = path.join(STACK_DIR, 'platform.env');
const PLATFORM_SERVICES = ['auth', 'media', 'feeds', 'billing', 'analytics', 'web'] as const;

/** The harness's own set (fixed, so concurrent harness runs of other engineers agree with it). */
const HARNESS_SECRETS: E2eSecrets = {
  TOKEN_KEYS: 'e2e1:ZTJlLXRva2VuLWtleS0wMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDA',
  TOKEN_ACTIVE_KID: 'e2e1',
  STRIPE_WEBHOOK_SECRETS: 'whsec_e2e_webhook_secret',
  INTERNAL_API_TOKEN: 'e2e-internal-api-token-0123456789abcdef',
  OPERATOR_API_KEY: 'e2e-operator-api-key-0123456789abcdef',
};

function alive(pidFile: string): boolean {
  if (!existsSync(pidFile)) return false;
  const pid = Number(readFileSync(pidFile, 'utf8').trim());
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Services `scripts/platform.sh up` started that still run (its pid files). */
export function runningPlatformServices(): string[] {
  return PLATFORM_SERVICES.filter((name) => alive(path.join(STACK_DIR, 'pids', `${name}.pid`)));
}

function readPlatformEnv(): Partial<E2eSecrets> {
  const found: Partial<E2eSecrets> = {};
  for (const match of readFileSync(PLATFORM_ENV_FILE, 'utf8').matchAll(
    /^export (TOKEN_KEYS|TOKEN_ACTIVE_KID|STRIPE_WEBHOOK_SECRETS|INTERNAL_API_TOKEN|OPERATOR_API_KEY)=(\S+)$/gm,
  ))
    found[match[1] as keyof E2eSecrets] = match[2]!;
  return found;
}

function resolveSecrets(): { secrets: E2eSecrets; source: string } {
  const running = runningPlatformServices();
  if (running.length === 0 || !existsSync(PLATFORM_ENV_FILE))
    return { secrets: HARNESS_SECRETS, source: 'the e2e harness (e2e/support/e2e-secrets.ts)' };
  const file = readPlatformEnv();
  const missing = (Object.keys(HARNESS_SECRETS) as (keyof E2eSecrets)[]).filter((k) => !file[k]);
  if (missing.length > 0)
    throw new Error(
      `${PLATFORM_ENV_FILE} lacks ${missing.join(', ')} while platform services run (${running.join(', ')}): ` +
        'run `bash scripts/platform.sh up` again (it completes the file) or stop them (`bash scripts/platform.sh down`)',
    );
  return {
    secrets: file as E2eSecrets,
    source: `${path.relative(ROOT, PLATFORM_ENV_FILE)} (scripts/platform.sh runs ${running.join(', ')})`,
  };
}

const resolved = resolveSecrets();

/** The secrets of this run; read once per process, at import. */
export const E2E_SECRETS: Readonly<E2eSecrets> = Object.freeze({ ...resolved.secrets });
/** Where they came from, for messages. */
export const E2E_SECRETS_SOURCE = resolved.source;

export const E2E_TOKEN_KEYS = E2E_SECRETS.TOKEN_KEYS;
export const E2E_ACTIVE_KID = E2E_SECRETS.TOKEN_ACTIVE_KID;
/** Billing's STRIPE_WEBHOOK_SECRETS (comma-separated, as the setting). */
export const E2E_WEBHOOK_SECRETS = E2E_SECRETS.STRIPE_WEBHOOK_SECRETS;
/** The secret test webhooks are signed with (the first of billing's). */
export const E2E_WEBHOOK_SECRET = E2E_WEBHOOK_SECRETS.split(',')[0]!.trim();
export const E2E_INTERNAL_API_TOKEN = E2E_SECRETS.INTERNAL_API_TOKEN;
/** `Authorization: Bearer …` of the operator API (web) and GATEHOUSE_OPERATOR_KEY of the CLI. */
export const E2E_OPERATOR_API_KEY = E2E_SECRETS.OPERATOR_API_KEY;

/**
 * Inside `npm test` (scripts/test.sh exports GATEHOUSE_E2E_STRICT=1) a reused service that rejects
 * these secrets fails the suite; by hand, suites that allow it report a skip with the reason.
 */
export const e2eStrict = (): boolean => process.env.GATEHOUSE_E2E_STRICT === '1';
