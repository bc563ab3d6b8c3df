import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { AxeBuilder } from '@axe-core/playwright';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';

/**
 * The browser the page tests drive: Debian's Chromium (test frameworks may not download browsers
 * here; `npm test` installs the package). Every page is checked with axe-core against WCAG 2.x A/AA
 * (including 2.2 AA) and photographed into test-artifacts/pages/ — the screenshots are artifacts for
 * people (and the docs), never the assertion.
 */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const PAGE_ARTIFACTS = join(import.meta.dirname, '../../test-artifacts/pages');

/** WCAG rule sets axe-core can check automatically. */
export const WCAG_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'] as const;

/** The viewports every page is drawn at: a laptop, and a phone (listeners subscribe on phones). */
export const VIEWPORTS = {
  desktop: { viewport: { width: 1280, height: 860 }, deviceScaleFactor: 1 },
  phone: {
    viewport: { width: 390, height: 844 },
    deviceScaleFactor: 2,
    isMobile: true,
    hasTouch: true,
    userAgent:
      'Mozilla/5.0 (iPhone; CPU iPhone OS 18_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.0 Mobile/15E148 Safari/604.1',
  },
} as const;
export type ViewportName = keyof typeof VIEWPORTS;

export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    // Containers and CI run as root without a user namespace sandbox.
    args: ['--no-sandbox', '--disable-dev-shm-usage'],
  });
}

/** A fresh context (own cookies) at one of the viewports; permissions for the copy button. */
export async function newContext(
  browser: Browser,
  viewport: ViewportName = 'desktop',
  baseURL?: string,
): Promise<BrowserContext> {
  const context = await browser.newContext({
    ...VIEWPORTS[viewport],
    ...(baseURL ? { baseURL } : {}),
    locale: 'en-US',
    timezoneId: 'UTC',
  });
  if (baseURL) await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: baseURL });
  return context;
}

/**
 * Runs axe-core on the page as it is now and throws with every violation (rule, impact, the first
 * nodes) so the test output says what to fix.
 */
export async function expectAccessible(page: Page, label: string): Promise<void> {
  // Colours are only final once transitions end (a dialog fading in blends its button colours:
  // seen as a 2.34:1 "contrast" on a dialog checked mid-fade). A transition can start a frame or
  // two after the element appears (Mantine starts it from requestAnimationFrame), so "no animation
  // now" is not enough: wait until none has run for 150 ms, checked every frame.
  await page
    .waitForFunction(
      `(() => {
        const busy = document.getAnimations().some((a) => a.playState === 'running' || a.pending);
        if (busy) { window.__ghQuietSince = undefined; return false; }
        window.__ghQuietSince ??= performance.now();
        return performance.now() - window.__ghQuietSince >= 150;
      })()`,
      undefined,
      { timeout: 5_000, polling: 'raf' },
    )
    .catch(() => undefined);
  await page.evaluate('window.__ghQuietSince = undefined');
  const result = await new AxeBuilder({ page }).withTags([...WCAG_TAGS]).analyze();
  if (result.violations.length === 0) return;
  const lines = result.violations.map(
    (v) =>
      `- ${v.id} (${v.impact ?? 'n/a'}): ${v.help}\n` +
      v.nodes
        .slice(0, 3)
        .map((node) => `    ${node.target.join(' ')} — ${node.failureSummary?.split('\n').join(' ')}`)
        .join('\n'),
  );
  throw new Error(
    `axe-core: ${result.violations.length} WCAG violation(s) on ${label}:\n${lines.join('\n')}`,
  );
}

/** Saves a full-page screenshot as test-artifacts/pages/<name>.png (for people and the docs). */
export async function savePage(page: Page, name: string): Promise<string> {
  await mkdir(PAGE_ARTIFACTS, { recursive: true });
  const path = join(PAGE_ARTIFACTS, `${name}.png`);
  await page.screenshot({ path, fullPage: true });
  return path;
}

/** Checks and photographs a page in one step: the usual end of every page visit in the tests. */
export async function checkPage(page: Page, name: string): Promise<void> {
  await page.waitForLoadState('networkidle');
  await expectAccessible(page, name);
  await savePage(page, name);
}

/** Chromium's own upload throttling (DevTools protocol), so a loopback upload lasts long enough to watch. */
export async function throttleUploads(page: Page, bytesPerSecond: number): Promise<void> {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Network.enable');
  await cdp.send('Network.emulateNetworkConditions', {
    offline: false,
    latency: 0,
    downloadThroughput: -1,
    uploadThroughput: bytesPerSecond,
  });
}
