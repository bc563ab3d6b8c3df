import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { stackEnv } from '@gatehouse/testkit';
import { E2E_OPERATOR_API_KEY } from '../../support/e2e-secrets.ts';

/**
 * Where the page tests point the browser, and the operator key that creates their creators.
 * PAGES_BASE_URL: the edge (default EDGE_URL, http://127.0.0.1:58080), or a Vite dev server that
 * proxies the APIs to it. The services are the e2e harness's (started, or a running
 * platform's reused: e2e/support/platform.ts), so their secrets are the harness's.
 */
export const PAGES_BASE_URL = (process.env.PAGES_BASE_URL ?? stackEnv().edgeUrl).replace(/\/$/, '');

/** The edge the APIs answer on (the operator API is called directly, not through the dev server). */
export const EDGE_URL = stackEnv().edgeUrl.replace(/\/$/, '');
export const SMTP_URL = stackEnv().smtpUrl;
export const STACK_DIR = stackEnv().stackDir;

/**
 * The operator key the web service holds: the harness's (e2e/support/e2e-secrets.ts resolves it from
 * a running platform's platform.env, else the key the harness starts web with).
 */
export function operatorApiKey(): string {
  return E2E_OPERATOR_API_KEY;
}

/** The file the platform's mail catcher writes (scripts/platform.sh), when one runs. */
export function platformMailLog(): string | undefined {
  if (process.env.PAGES_MAIL_LOG) return process.env.PAGES_MAIL_LOG;
  try {
    const pid = Number(readFileSync(join(STACK_DIR, 'pids', 'mail.pid'), 'utf8').trim());
    process.kill(pid, 0);
    return join(STACK_DIR, 'logs', 'mail.log');
  } catch {
    return undefined;
  }
}

/** A name unique to this run, for slugs and e-mail addresses that must not collide across runs. */
export function uniqueName(prefix: string): string {
  return `${prefix}-${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;
}
