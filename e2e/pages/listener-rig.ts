import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createWriteStream, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { keepOutputTail, stackEnv, stopIfExited, waitFor } from '@gatehouse/testkit';
import Stripe from 'stripe';
import { startSmtpCapture } from '../../services/feeds/test/support/smtp-capture.ts';
import {
  E2E_ACTIVE_KID,
  E2E_TOKEN_KEYS,
  E2E_WEBHOOK_SECRET,
  E2E_WEBHOOK_SECRETS,
  startPlatform,
} from '../support/platform.ts';

/**
 * What the listener page test stands on: the four services (started or reused by the shared
 * harness), the web service on 53006 (started here when nothing answers there), a real SMTP peer on
 * the stack's SMTP port (the portal mails sign-in links), and a fresh demo creator seeded through
 * the real APIs (scripts/demo-seed.ts: media uploads to S3, a plan, an active subscription by a
 * Stripe-signed webhook).
 */
const ROOT = join(import.meta.dirname, '../..');
const NODE = join(ROOT, 'node_modules', '.bin', 'node');
const WEB_PORT = 53006;
const run = promisify(execFile);

async function answers(url: string): Promise<boolean> {
  try {
    return (await fetch(url, { signal: AbortSignal.timeout(1000) })).ok;
  } catch {
    return false;
  }
}

async function startWeb(): Promise<ChildProcess | undefined> {
  if (await answers(`http://127.0.0.1:${WEB_PORT}/readyz`)) return undefined;
  if (!existsSync(join(ROOT, 'services/web/ui/dist/index.html')))
    throw new Error('the pages are not built: run `npm run build:ui -w @gatehouse/web` first');
  const stack = stackEnv();
  mkdirSync(join(stack.logDir, 'e2e'), { recursive: true });
  const log = createWriteStream(join(stack.logDir, 'e2e', 'web.log'), { flags: 'a' });
  const child = spawn(NODE, [join(ROOT, 'services/web/src/main.ts')], {
    cwd: ROOT,
    env: {
      ...process.env,
      HOST: '127.0.0.1',
      PORT: String(WEB_PORT),
      LOG_LEVEL: 'warn',
      PUBLIC_BASE_URL: stack.edgeUrl,
      OPERATOR_API_KEY: process.env.OPERATOR_API_KEY ?? `e2e-operator-${randomBytes(16).toString('hex')}`,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout?.pipe(log);
  child.stderr?.pipe(log);
  const tail = keepOutputTail(child);
  await waitFor(
    async () => {
      stopIfExited('web', child, tail);
      return (await answers(`http://127.0.0.1:${WEB_PORT}/readyz`)) || undefined;
    },
    { timeoutMs: 30_000, intervalMs: 200 },
  );
  return child;
}

export interface Demo {
  tenantSlug: string;
  showSlug: string;
  privateFeed: string;
}

async function seedDemo(): Promise<Demo> {
  const edge = stackEnv().edgeUrl;
  const { stdout } = await run(NODE, [join(ROOT, 'scripts/demo-seed.ts'), '--fresh'], {
    encoding: 'utf8',
    timeout: 90_000,
    env: {
      ...process.env,
      EDGE_URL: edge,
      PUBLIC_BASE_URL: edge,
      TOKEN_KEYS: E2E_TOKEN_KEYS,
      TOKEN_ACTIVE_KID: E2E_ACTIVE_KID,
      STRIPE_WEBHOOK_SECRETS: E2E_WEBHOOK_SECRETS,
    },
  });
  const publicFeed = /^public feed:\s+\S+\/p\/([^/]+)\/([^/]+)\.xml$/m.exec(stdout);
  const privateFeed = /^private feed:\s+(\S+)$/m.exec(stdout)?.[1];
  if (!publicFeed || !privateFeed) throw new Error(`demo-seed printed no feeds:\n${stdout}`);
  return { tenantSlug: publicFeed[1]!, showSlug: publicFeed[2]!, privateFeed };
}

export async function startListenerRig() {
  const stack = stackEnv();
  const platform = await startPlatform(['auth', 'media', 'feeds', 'billing', 'web'], { timeoutMs: 90_000 });
  let web: ChildProcess | undefined;
  let smtp: Awaited<ReturnType<typeof startSmtpCapture>> | undefined;
  const stop = async () => {
    await smtp?.close();
    if (web && web.exitCode === null) {
      const exited = new Promise((resolve) => web!.once('exit', resolve));
      web.kill('SIGTERM');
      setTimeout(() => web?.kill('SIGKILL'), 5000).unref();
      await exited;
    }
    await platform.stop();
  };
  try {
    web = await startWeb();
    // Services the harness starts mail to the stack's SMTP port (captured here); services the platform
    // started mail to its mail catcher, which appends to .stack/logs/mail.log (read from where it is now).
    smtp = await startSmtpCapture(stack.smtpUrl).catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'EADDRINUSE') return undefined;
      throw error;
    });
    const mailLog = join(stack.logDir, 'mail.log');
    const logStart = existsSync(mailLog) ? readFileSync(mailLog, 'utf8').length : 0;
    const captured = smtp;
    /** Every mail text to `to` received since the rig started. */
    const mailsTo = (to: string): string[] => [
      ...(captured?.messages ?? [])
        .filter((mail) => JSON.stringify(mail.to).includes(to))
        .map((mail) => mail.text ?? ''),
      ...(existsSync(mailLog) ? readFileSync(mailLog, 'utf8').slice(logStart).split(/^--- /m) : []).filter(
        (entry) => entry.includes(`to: ${to}`),
      ),
    ];
    const demo = await seedDemo();
    return { demo, mailsTo, edge: stack.edgeUrl, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

/** A Stripe-signed webhook to billing through the edge (the SDK's test header, the harness's secret). */
export async function sendSignedWebhook(edge: string, event: Record<string, unknown>): Promise<Response> {
  const stripe = new Stripe('sk_test_123');
  const payload = JSON.stringify(event);
  const signature = stripe.webhooks.generateTestHeaderString({ payload, secret: E2E_WEBHOOK_SECRET });
  return fetch(`${edge}/billing/webhooks/stripe`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'stripe-signature': signature },
    body: payload,
  });
}
