import assert from 'node:assert/strict';
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createSmtpMailer } from '@gatehouse/clients';
import type { PrismaClient } from '@gatehouse/db';
import { createLogger } from '@gatehouse/logging';
import type { ParsedMail } from 'mailparser';
import { startSmtpCapture } from '../../../feeds/test/support/smtp-capture.ts';
import { buildApp } from '../../src/app.ts';

/** Shared by the web integration tests: a real SMTP peer on a free port, the app, sign-in helpers. */

export const OPERATOR_KEY = 'web-test-operator-key-0123456789abcdef-XYZ';

export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** A built UI stand-in: the pages route needs index.html and an assets folder. */
export async function fakeUiDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'gh-web-ui-'));
  await mkdir(join(dir, 'assets'));
  await writeFile(join(dir, 'index.html'), '<!doctype html><title>Gatehouse</title>');
  return dir;
}

export async function startMail() {
  const smtpUrl = `smtp://127.0.0.1:${await freePort()}`;
  const capture = await startSmtpCapture(smtpUrl);
  const mailer = createSmtpMailer(smtpUrl, 'Gatehouse <no-reply@gatehouse.test>');
  const to = (address: string) =>
    capture.messages.filter((mail) => JSON.stringify(mail.to).includes(address));
  return {
    smtpUrl,
    mailer,
    messages: capture.messages,
    to,
    /** Waits for the `n`-th mail (1-based) to `address`. */
    async nth(address: string, n: number, timeoutMs = 10_000): Promise<ParsedMail> {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const mails = to(address);
        if (mails.length >= n) return mails[n - 1]!;
        if (Date.now() > deadline)
          throw new Error(`mail #${n} to ${address} did not arrive within ${timeoutMs} ms`);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    },
    async close() {
      mailer.close();
      await capture.close();
    },
  };
}
export type Mail = Awaited<ReturnType<typeof startMail>>;

/** The one-time token of a sign-in or invitation mail (`…/app/sign-in/confirm#token=…`). */
export function tokenOf(mail: ParsedMail, baseUrl: string): string {
  const match = new RegExp(
    `${baseUrl.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}/app/sign-in/confirm#token=([A-Za-z0-9_-]{43})`,
  ).exec(mail.text ?? '');
  assert.ok(match, `no confirm link in: ${mail.text}`);
  return match[1]!;
}

export function buildWebApp(
  prisma: PrismaClient,
  mail: Mail,
  options: {
    publicBaseUrl?: string;
    signInMailLimit?: { limit: number; windowSeconds: number };
    uiDir: string;
  },
) {
  return buildApp({
    logger: createLogger({ level: 'silent', service: 'web-test' }),
    readiness: [],
    uiDir: options.uiDir,
    identity: {
      prisma,
      mailer: mail.mailer,
      publicBaseUrl: options.publicBaseUrl ?? 'http://127.0.0.1:58080',
      operatorApiKey: OPERATOR_KEY,
      ...(options.signInMailLimit ? { signInMailLimit: options.signInMailLimit } : {}),
      onMailError: (error) => mailErrors.push(error),
    },
  });
}
export type WebApp = ReturnType<typeof buildWebApp>;

/** Mail failures the apps reported (tests expect none unless they break the SMTP peer). */
export const mailErrors: unknown[] = [];

export const operator = { authorization: `Bearer ${OPERATOR_KEY}` };

/** `gh_studio=…` from a Set-Cookie header. */
export function sessionCookie(setCookie: string | string[] | undefined): string {
  const header = Array.isArray(setCookie) ? setCookie.join('\n') : (setCookie ?? '');
  const match = /gh_studio=([A-Za-z0-9_-]*)/.exec(header);
  assert.ok(match, `no gh_studio cookie in ${header}`);
  return `gh_studio=${match[1]}`;
}

/** Creates a tenant through the operator API; its owner's invitation is mail #n to the owner. */
export async function createTenant(app: WebApp, slug: string, ownerEmail: string) {
  const created = await app.inject({
    method: 'POST',
    url: '/operator/v1/tenants',
    headers: operator,
    payload: { slug, name: `Creator ${slug}`, ownerEmail },
  });
  assert.equal(created.statusCode, 201, created.body);
  return created.json() as {
    tenant: { id: string; slug: string };
    owner: { id: string };
    inviteSent: boolean;
  };
}

/** Confirms a token: the session's cookie and CSRF token. */
export async function confirm(app: WebApp, token: string) {
  const answer = await app.inject({ method: 'POST', url: '/web/v1/sign-in/confirm', payload: { token } });
  assert.equal(answer.statusCode, 200, answer.body);
  const session = answer.json() as { csrfToken: string; tenant: { id: string } };
  return {
    cookie: sessionCookie(answer.headers['set-cookie']),
    csrf: session.csrfToken,
    tenantId: session.tenant.id,
  };
}
