import assert from 'node:assert/strict';
import { mkdtemp, rm, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import {
  checkPage,
  expectAccessible,
  launchBrowser,
  newContext,
  savePage,
  throttleUploads,
} from '../support/browser.ts';
import { type Platform, startPlatform } from '../support/platform.ts';
import {
  confirmLinkIn,
  createCreator,
  dropMailTo,
  type MailCapture,
  signedInCreator,
  startMailCapture,
} from './support/creators.ts';
import { dashboardApi, showWithEpisode } from './support/dashboard-api.ts';
import { writeMp3 } from './support/mp3-file.ts';
import { PAGES_BASE_URL, uniqueName } from './support/pages-env.ts';

/**
 * The creator dashboard's catalog pages in Chromium, through the edge (or PAGES_BASE_URL), against
 * the running platform: magic-link sign-in from a captured mail, shows, episodes, a 50 MiB upload
 * straight to storage with a moving progress bar, publishing, an upload dropped at 60% and resumed
 * after a reload without re-sending its finished parts, file checks before upload, API keys.
 * axe-core (WCAG 2.2 AA) on every page, desktop and phone; screenshots in test-artifacts/pages/.
 *
 *   flock /tmp/gatehouse-e2e.lock npx node --test --test-concurrency=1 --test-force-exit \
 *     e2e/pages/dashboard-catalog.test.ts
 */
const MiB = 1024 * 1024;
const url = (path: string) => `${PAGES_BASE_URL}${path}`;

let browser: Browser;
let mail: MailCapture;
let files: string;
let platform: Platform;

before(async () => {
  // The services behind the edge: started by the e2e harness, or a running local platform's.
  platform = await startPlatform(['auth', 'media', 'feeds', 'billing', 'web'], { timeoutMs: 90_000 });
  browser = await launchBrowser();
  mail = await startMailCapture();
  files = await mkdtemp(join(tmpdir(), 'gatehouse-pages-'));
});

after(async () => {
  await browser?.close();
  await mail?.close();
  await platform?.stop();
  if (files) await rm(files, { recursive: true, force: true });
});

async function desktopPage(): Promise<Page> {
  const context = await newContext(browser, 'desktop', PAGES_BASE_URL);
  return context.newPage();
}

/** The audio drop area's file input (Dropzone keeps it hidden; the picker and setInputFiles use it). */
const audioInput = (page: Page) =>
  page.locator('section[aria-labelledby="audio-heading"] input[type="file"]');

/** Records every percentage the upload progress bar shows, from inside the page, every 20 ms. */
async function recordProgress(page: Page): Promise<() => Promise<number[]>> {
  // Runs in the page (a string: this file is type-checked without the DOM library).
  await page.evaluate(`(() => {
    const seen = [];
    window.__percents = seen;
    setInterval(() => {
      const value = document.querySelector('[data-testid="upload-progress"]')?.getAttribute('data-percent');
      if (value != null && seen.at(-1) !== Number(value)) seen.push(Number(value));
    }, 20);
  })()`);
  return () => page.evaluate<number[]>('window.__percents');
}

/** Waits for "uploaded and ready"; on a timeout the error says what the audio section showed instead. */
async function waitForUploadReady(page: Page): Promise<void> {
  try {
    await page.getByTestId('upload-ready').waitFor({ timeout: 300_000 });
  } catch (error) {
    const shown = await page
      .locator('section[aria-labelledby="audio-heading"]')
      .textContent()
      .catch(() => '');
    throw new Error(`the upload did not become ready; the page showed: ${shown}`, { cause: error });
  }
}

const partNumberOf = (requestUrl: string) => Number(new URL(requestUrl).searchParams.get('partNumber'));
const isPartPut = (request: { method(): string; url(): string }) =>
  request.method() === 'PUT' && new URL(request.url()).searchParams.has('partNumber');

describe('dashboard: sign-in pages', () => {
  it('signs in with the mailed link; a spent or unknown link says so and offers a new one', async () => {
    const creator = await createCreator();
    await mail.waitFor(creator.email, 15_000); // the invitation; this test asks for its own link
    const page = await desktopPage();

    await page.goto(url('/app/shows'));
    await page.waitForURL(/\/app\/sign-in\?next=/);
    await checkPage(page, 'dashboard-sign-in');

    await page.getByRole('button', { name: 'Email me a sign-in link' }).click();
    await page.getByText('Enter your e-mail address').waitFor();

    dropMailTo(mail, creator.email);
    await page.getByLabel('Email').fill(creator.email);
    await page.getByRole('button', { name: 'Email me a sign-in link' }).click();
    await page.getByText('Check your mail').waitFor();
    await checkPage(page, 'dashboard-sign-in-check-mail');

    const link = confirmLinkIn(await mail.waitFor(creator.email, 15_000));
    await page.goto(link);
    await page.getByRole('button', { name: 'Sign in', exact: true }).waitFor();
    assert.equal(new URL(page.url()).hash, '', 'the token leaves the address bar once read');
    await checkPage(page, 'dashboard-sign-in-confirm');
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await page.getByRole('heading', { level: 1, name: 'Shows' }).waitFor();
    assert.equal(await page.getByTestId('tenant-name').textContent(), creator.tenant.name);

    // The same link again, in another browser: spent.
    const other = await desktopPage();
    await other.goto(link);
    await other.getByRole('button', { name: 'Sign in', exact: true }).click();
    await other.getByText('This link has expired or was already used').waitFor();
    await other.getByRole('button', { name: 'Email me a new link' }).waitFor();
    await checkPage(other, 'dashboard-sign-in-link-expired');

    // (A fresh load: a change of the fragment alone does not reload the page.)
    await other.goto('about:blank');
    await other.goto(url('/app/sign-in/confirm#token=not-a-real-token'));
    await other.getByRole('button', { name: 'Sign in', exact: true }).click();
    await other.getByText('This link is not valid').waitFor();

    // Signing out ends the session: the dashboard sends back to sign-in.
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.waitForURL(/\/app\/sign-in/);
    await page.goto(url('/app/api-keys'));
    await page.waitForURL(/\/app\/sign-in\?next=%2Fapp%2Fapi-keys/);
    await page.context().close();
    await other.context().close();
  });
});

describe('dashboard: shows, episodes, upload, publish', () => {
  it('creates a show (slug checked inline, a taken slug refused on the field), edits it, uploads 50 MiB and publishes', async () => {
    const page = await desktopPage();
    await signedInCreator(page, mail);
    await page.goto(url('/app/shows'));
    await page.getByText('No shows yet').waitFor();
    await checkPage(page, 'dashboard-shows-empty');

    // New show: the slug follows the title; a bad slug is explained before anything is sent.
    await page.getByRole('link', { name: 'New show' }).click();
    await page.getByLabel('Title').fill('Morning Notes');
    assert.equal(await page.getByLabel('Slug').inputValue(), 'morning-notes');
    await page.getByLabel('Slug').fill('Bad Slug!');
    await page.getByLabel('Slug').blur();
    await page.getByText('Use lower-case letters only').waitFor();
    await checkPage(page, 'dashboard-show-new');
    const slug = uniqueName('morning');
    await page.getByLabel('Slug').fill(slug);
    await page.getByRole('button', { name: 'Create show' }).click();
    await page.getByRole('heading', { level: 1, name: 'Morning Notes' }).waitFor();
    const showUrl = page.url();
    await checkPage(page, 'dashboard-show');

    // The same slug again: the API's 409 message, on the slug field.
    await page.goto(url('/app/shows/new'));
    await page.getByLabel('Title').fill('Another');
    await page.getByLabel('Slug').fill(slug);
    const [conflict] = await Promise.all([
      page.waitForResponse((r) => r.url().endsWith('/api/v1/shows') && r.request().method() === 'POST'),
      page.getByRole('button', { name: 'Create show' }).click(),
    ]);
    assert.equal(conflict.status(), 409);
    const { message } = ((await conflict.json()) as { error: { message: string } }).error;
    const slugField = page.getByLabel('Slug');
    await page.getByText(message).waitFor();
    const describedBy = (await slugField.getAttribute('aria-describedby')) ?? '';
    const fieldError = await page.locator(
      `[id="${describedBy.split(' ').find((id) => id.includes('error'))}"]`,
    );
    assert.equal(
      (await fieldError.textContent())?.trim(),
      message,
      'the 409 message is the slug field’s error',
    );
    await checkPage(page, 'dashboard-show-duplicate-slug');
    const shows = await (await dashboardApi(page)).get<{ items: unknown[] }>('/api/v1/shows');
    assert.equal(shows.items.length, 1, 'the refused show was not created');

    // Edit every kind of field.
    await page.goto(`${showUrl}/edit`);
    await page.getByLabel('Author').fill('Ada Example');
    await page.getByLabel('Owner e-mail').fill('not-an-address');
    await page.getByLabel('Owner e-mail').blur();
    await page.getByText('Not an e-mail address').waitFor();
    await page.getByLabel('Owner e-mail').fill('owner@example.com');
    await page.getByText('Serial (in order)').click();
    await page.getByLabel('Explicit content').check();
    await page.getByRole('button', { name: 'Save changes' }).click();
    await page.getByText('Show saved').waitFor();
    await checkPage(page, 'dashboard-show-edit');
    const showId = showUrl.split('/').at(-1)!;
    const saved = await (await dashboardApi(page)).get<Record<string, unknown>>(`/api/v1/shows/${showId}`);
    assert.equal(saved.author, 'Ada Example');
    assert.equal(saved.ownerEmail, 'owner@example.com');
    assert.equal(saved.explicit, true);
    if ('itunesType' in saved) assert.equal(saved.itunesType, 'serial');

    // A new episode.
    await page.goto(showUrl);
    await page.getByRole('link', { name: 'New episode' }).click();
    await page.getByLabel('Title').fill('Episode 1: Hello');
    await page.getByLabel('Episode number').fill('1');
    await checkPage(page, 'dashboard-episode-new');
    await page.getByRole('button', { name: 'Create episode' }).click();
    await page.getByRole('heading', { level: 1, name: 'Episode 1: Hello' }).waitFor();
    await page.getByTestId('episode-state').filter({ hasText: 'draft' }).waitFor();
    await checkPage(page, 'dashboard-episode');

    // 50 MiB straight to storage; the progress bar moves; then "processing", then ready.
    const mp3 = await writeMp3(files, 'hello.mp3', 50 * MiB);
    const sent: string[] = [];
    page.on('request', (request) => {
      if (request.method() === 'PUT') sent.push(request.url());
      if (request.method() === 'POST' && request.url().includes('/uploads'))
        assert.ok(!(request.postData() ?? '').includes('sha256'), 'no checksum is sent up front');
    });
    await throttleUploads(page, 12 * MiB);
    const percents = await recordProgress(page);
    await audioInput(page).setInputFiles(mp3);
    await page.getByTestId('upload-progress').waitFor();
    await savePageSoon(page, 'dashboard-episode-uploading');
    await waitForUploadReady(page);
    const seen = await percents();
    const moving = seen.filter((p) => p > 0 && p < 100);
    assert.ok(moving.length >= 3, `the progress bar moved through several values: ${seen.join(', ')}`);
    assert.ok(sent.length >= 1 && sent.every((u) => !u.startsWith(PAGES_BASE_URL) || u.includes('/content')));
    await checkPage(page, 'dashboard-episode-uploaded');

    // Publish now.
    await page.getByRole('button', { name: 'Publish now' }).click();
    await page
      .getByTestId('episode-state')
      .filter({ hasText: /^published$/ })
      .waitFor();
    await checkPage(page, 'dashboard-episode-published');
    await page.goto(showUrl);
    await page.getByRole('row', { name: /Episode 1: Hello.*published/ }).waitFor();

    // Unpublish: back out of the feeds.
    await page.goBack();
    await page.getByRole('button', { name: 'Unpublish' }).click();
    await page.getByTestId('episode-state').filter({ hasText: 'unpublished' }).waitFor();
    await page.context().close();
  });
});

/** Screenshot of a moving state, without waiting for the network to go quiet (it never does while uploading). */
async function savePageSoon(page: Page, name: string) {
  await expectAccessible(page, name);
  await savePage(page, name);
}

describe('dashboard: resumable upload', () => {
  it('an upload dropped at 60% resumes after a reload and never sends a finished part again', async () => {
    const page = await desktopPage();
    await signedInCreator(page, mail);
    const { episode } = await showWithEpisode(page, uniqueName('resume'));
    await page.goto(url(`/app/episodes/${episode.id}`));

    // Large enough for multipart at the media service's default threshold (64 MiB) and part size.
    const mp3 = await writeMp3(files, 'long.mp3', 100 * MiB);
    const started = page.waitForResponse(
      (r) => r.url().endsWith(`/episodes/${episode.id}/uploads`) && r.request().method() === 'POST',
    );
    const finished = new Set<number>();
    page.on('requestfinished', async (request) => {
      if (isPartPut(request) && (await request.response())?.ok()) finished.add(partNumberOf(request.url()));
    });
    let cutoff = Number.POSITIVE_INFINITY;
    // The connection "drops" for every part after the first 60%: those requests are reset.
    await page.route(
      (u) => u.searchParams.has('partNumber'),
      (route) =>
        route.request().method() === 'PUT' && partNumberOf(route.request().url()) > cutoff
          ? route.abort('connectionreset')
          : route.continue(),
    );
    await audioInput(page).setInputFiles(mp3);
    const instructions = (await (await started).json()) as {
      kind: string;
      multipart?: { partSize: number; parts: unknown[] };
    };
    assert.equal(instructions.kind, 'multipart', 'a 100 MiB upload is multipart');
    const partCount = instructions.multipart!.parts.length;
    cutoff = Math.floor(partCount * 0.6);
    assert.ok(cutoff >= 1 && cutoff < partCount, `${partCount} parts`);

    await page.getByText('The parts already sent are kept').waitFor({ timeout: 120_000 });
    assert.deepEqual(
      [...finished].sort((a, b) => a - b),
      Array.from({ length: cutoff }, (_, i) => i + 1),
      'the first 60% of parts reached storage',
    );
    await checkPage(page, 'dashboard-upload-interrupted');

    // Reload: the page remembers the upload; the creator picks the same file; only missing parts go.
    await page.unrouteAll();
    await page.reload();
    await page.getByText('An upload was interrupted').waitFor();
    await page.getByText(/stopped at \d+%/).waitFor();
    await checkPage(page, 'dashboard-upload-resume');
    const resent: number[] = [];
    page.on('request', (request) => {
      if (isPartPut(request)) resent.push(partNumberOf(request.url()));
    });
    await audioInput(page).setInputFiles(mp3);
    await waitForUploadReady(page);
    const expected = Array.from({ length: partCount - cutoff }, (_, i) => cutoff + i + 1);
    assert.deepEqual(
      [...new Set(resent)].sort((a, b) => a - b),
      expected,
      'after the reload only the parts past 60% were sent',
    );
    const stored = await (await dashboardApi(page)).get<{ media: { byteSize: number } | null }>(
      `/api/v1/episodes/${episode.id}`,
    );
    assert.ok(stored.media, 'the episode has its media');
    await page.context().close();
  });
});

describe('dashboard: files refused before upload', () => {
  it('a file too large or not audio is refused with a clear message and nothing is sent', async () => {
    const page = await desktopPage();
    await signedInCreator(page, mail);
    const { episode } = await showWithEpisode(page, uniqueName('refuse'));
    await page.goto(url(`/app/episodes/${episode.id}`));
    const uploadsStarted: string[] = [];
    page.on('request', (request) => {
      if (request.method() === 'POST' && request.url().includes('/uploads'))
        uploadsStarted.push(request.url());
    });

    const notes = join(files, 'notes.txt');
    await writeFile(notes, 'not audio');
    await audioInput(page).setInputFiles(notes);
    await page.getByText('notes.txt is not an MP3').waitFor();

    // 6 GiB, sparse: over the 5 GiB limit without writing 6 GiB.
    const huge = join(files, 'huge.mp3');
    await writeFile(huge, '');
    await truncate(huge, 6 * 1024 * MiB);
    await audioInput(page).setInputFiles(huge);
    await page.getByText('huge.mp3 is 6.0 GiB; episode audio may be at most 5.0 GiB.').waitFor();
    await checkPage(page, 'dashboard-upload-refused');
    assert.deepEqual(uploadsStarted, [], 'no upload was started');
    await page.context().close();
  });
});

describe('dashboard: API keys', () => {
  it('creates a key shown once with a copy button, and revokes it after a confirmation', async () => {
    const page = await desktopPage();
    await signedInCreator(page, mail);
    await page.goto(url('/app/api-keys'));
    await page.getByText('No API keys yet.').waitFor();
    await page.getByRole('button', { name: 'Create key' }).click();
    await page.getByText('Name the key after what uses it').waitFor();
    await page.getByLabel('Name').fill('publishing script');
    await page.getByRole('button', { name: 'Create key' }).click();
    const key = await page.getByLabel('New API key', { exact: true }).inputValue();
    assert.match(key, /^ghk_/);
    await page.getByRole('button', { name: 'Copy new api key' }).click();
    assert.equal(await page.evaluate<string>('navigator.clipboard.readText()'), key);
    await checkPage(page, 'dashboard-api-key-created');

    const works = await fetch(url('/api/v1/shows'), { headers: { authorization: `Bearer ${key}` } });
    assert.equal(works.status, 200);

    await page.reload();
    assert.equal(
      await page.getByLabel('New API key', { exact: true }).count(),
      0,
      'the key is not shown again',
    );
    await page.getByRole('button', { name: 'Revoke publishing script' }).click();
    await page.getByRole('dialog', { name: 'Revoke this API key?' }).waitFor();
    await checkPage(page, 'dashboard-api-key-revoke');
    await page.getByRole('button', { name: 'Revoke key' }).click();
    await page.getByText(/revoked/).waitFor();
    const refused = await fetch(url('/api/v1/shows'), { headers: { authorization: `Bearer ${key}` } });
    assert.equal(refused.status, 401);
    await page.context().close();
  });
});

describe('dashboard: tenants and phones', () => {
  it('switches between two creators the user belongs to', async () => {
    const page = await desktopPage();
    const first = await signedInCreator(page, mail);
    const second = await createCreator({ email: first.email });
    await page.reload();
    const switcher = page.getByLabel('Creator');
    await switcher.waitFor();
    await switcher.selectOption({ label: second.tenant.name });
    await page.getByRole('banner').getByText(second.tenant.name).waitFor();
    await checkPage(page, 'dashboard-tenant-switcher');
    await page.context().close();
  });

  it('every catalog page passes axe on a phone; the burger opens the navigation', async () => {
    const context = await newContext(browser, 'phone', PAGES_BASE_URL);
    const page = await context.newPage();
    await page.goto(url('/app/sign-in'));
    await checkPage(page, 'dashboard-phone-sign-in');
    await signedInCreator(page, mail);
    const { show, episode } = await showWithEpisode(page, uniqueName('phone'));

    await page.goto(url('/app/shows'));
    await checkPage(page, 'dashboard-phone-shows');
    const burger = page.getByRole('button', { name: 'Open navigation' });
    await burger.click();
    await page.getByRole('navigation', { name: 'Dashboard' }).getByRole('link', { name: 'API keys' }).click();
    await page.getByRole('heading', { level: 1, name: 'API keys' }).waitFor();
    await checkPage(page, 'dashboard-phone-api-keys');

    for (const [path, name] of [
      [`/app/shows/${show.id}`, 'dashboard-phone-show'],
      [`/app/shows/${show.id}/edit`, 'dashboard-phone-show-edit'],
      [`/app/shows/${show.id}/episodes/new`, 'dashboard-phone-episode-new'],
      [`/app/episodes/${episode.id}`, 'dashboard-phone-episode'],
    ] as const) {
      await page.goto(url(path));
      await page.getByRole('heading', { level: 1 }).waitFor();
      await checkPage(page, name);
    }
    await context.close();
  });
});
