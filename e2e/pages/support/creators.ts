import type { Page } from 'playwright-core';
import { startSmtpCapture } from '../../../services/feeds/test/support/smtp-capture.ts';
import { type CapturedMail, followMailLog, type MailCapture } from './mail-log.ts';
import {
  EDGE_URL,
  operatorApiKey,
  PAGES_BASE_URL,
  platformMailLog,
  SMTP_URL,
  uniqueName,
} from './pages-env.ts';

export type { CapturedMail, MailCapture } from './mail-log.ts';

/**
 * Creators for the page tests, made the way an operator makes them: `POST /operator/v1/tenants`
 * (the owner is invited by mail), then signed in through the real magic-link mail, captured by a
 * real SMTP server on the platform's SMTP_URL port.
 */
/**
 * The mail the platform's web service sends: the platform's mail catcher file when one runs
 * (scripts/platform.sh), else a real SMTP server of ours on SMTP_URL. Close it in `after`.
 */
export function startMailCapture(): Promise<MailCapture> {
  const log = platformMailLog();
  return log ? followMailLog(log) : startSmtpCapture(SMTP_URL);
}

export interface Creator {
  tenant: { id: string; slug: string; name: string };
  email: string;
}

async function operator<T>(method: string, path: string, body?: unknown): Promise<T> {
  const response = await fetch(`${EDGE_URL}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${operatorApiKey()}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`operator ${method} ${path} → ${response.status}: ${text}`);
  return (text ? JSON.parse(text) : undefined) as T;
}

/** A new tenant with its owner (unique slug and address per call unless given). */
export async function createCreator(options: { slug?: string; name?: string; email?: string } = {}) {
  const slug = options.slug ?? uniqueName('studio');
  const email = options.email ?? `${slug}@creators.example`;
  const created = await operator<{ tenant: Creator['tenant'] }>('POST', '/operator/v1/tenants', {
    slug,
    name: options.name ?? `Studio ${slug}`,
    ownerEmail: email,
  });
  return { tenant: created.tenant, email } satisfies Creator;
}

/** Adds an existing or new user to another tenant (for the tenant switcher). */
export async function inviteToTenant(tenantId: string, email: string): Promise<void> {
  await operator('POST', `/operator/v1/tenants/${tenantId}/invites`, { email });
}

/** The dashboard link in a mail (sign-in or invitation), moved onto the base URL the browser uses. */
export function confirmLinkIn(mail: CapturedMail): string {
  const match = /https?:\/\/[^\s"<>]+\/app\/sign-in\/confirm#token=[A-Za-z0-9_.~-]+/.exec(mail.text ?? '');
  if (!match) throw new Error(`no sign-in link in the mail "${mail.subject}"`);
  const url = new URL(match[0]);
  return `${PAGES_BASE_URL}${url.pathname}${url.hash}`;
}

/**
 * Signs the creator in through the pages: /app/sign-in → mail → the confirm page's "Sign in"
 * button → the dashboard. Mails already received for the address are dropped first so the newest
 * link is the one used.
 */
export async function signInThroughMail(page: Page, mail: MailCapture, email: string): Promise<void> {
  dropMailTo(mail, email);
  await page.goto(`${PAGES_BASE_URL}/app/sign-in`);
  await page.getByLabel('Email').fill(email);
  await page.getByRole('button', { name: 'Email me a sign-in link' }).click();
  await page.getByText('Check your mail').waitFor();
  const link = confirmLinkIn(await mail.waitFor(email, 15_000));
  await confirmSignIn(page, link);
}

/** Opens a confirm link and presses "Sign in"; resolves when the dashboard shell is up. */
export async function confirmSignIn(page: Page, link: string): Promise<void> {
  await page.goto(link);
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  await page.waitForURL(
    (url) => url.pathname.startsWith('/app/') && !url.pathname.startsWith('/app/sign-in'),
  );
  await page.getByRole('banner').waitFor();
}

/** Forgets the captured mails to `email` (so `waitFor` returns the next one). */
export function dropMailTo(mail: MailCapture, email: string): void {
  for (let i = mail.messages.length - 1; i >= 0; i--) {
    if (JSON.stringify(mail.messages[i]?.to).includes(email)) mail.messages.splice(i, 1);
  }
}

/** A new creator, signed in on `page` with the invitation link from the operator's mail. */
export async function signedInCreator(page: Page, mail: MailCapture): Promise<Creator> {
  const creator = await createCreator();
  const invite = await mail.waitFor(creator.email, 15_000);
  await confirmSignIn(page, confirmLinkIn(invite));
  return creator;
}
