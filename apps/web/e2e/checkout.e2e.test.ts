import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { type BrowserContext, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from 'vitest';
import { buildWebApp, type RunningServer, removeTempDirs, startServer, tempDir } from './server';

const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const hasChromium = existsSync(CHROMIUM_PATH);
if (!hasChromium) {
  console.warn(
    [
      '',
      '='.repeat(78),
      `  E2E SKIPPED: no Chromium at ${CHROMIUM_PATH}.`,
      "  The checkout browser tests did NOT run. Install Debian's `chromium` package",
      '  or set CHROMIUM_PATH to a Chromium/Chrome executable.',
      '='.repeat(78),
      '',
    ].join('\n'),
  );
}

const ARTIFACTS_DIR = fileURLToPath(new URL('../test-artifacts', import.meta.url));
const STEP_TIMEOUT_MS = 15_000;
const PASSWORD = 'correct horse battery';
const CONFIRMING_TEXT = 'Confirming your subscription…';

describe.skipIf(!hasChromium)('checkout in a real browser', () => {
  let server: RunningServer | undefined;
  let context: BrowserContext | undefined;

  beforeAll(async () => {
    mkdirSync(ARTIFACTS_DIR, { recursive: true });
    server = await startServer(await buildWebApp());
    context = await chromium.launchPersistentContext(tempDir('chromium'), {
      executablePath: CHROMIUM_PATH,
      headless: true,
      locale: 'en-US',
      viewport: { width: 1280, height: 800 },
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    });
  });

  afterAll(async () => {
    await context?.close();
    await server?.stop();
    removeTempDirs();
  });

  /** A tab on the app with nothing left over from another scenario (the context is shared). */
  async function openApp(name: string): Promise<Page> {
    if (!context || !server) throw new Error('beforeAll did not finish');
    const page = await context.newPage();
    page.setDefaultTimeout(STEP_TIMEOUT_MS);
    page.setDefaultNavigationTimeout(STEP_TIMEOUT_MS);
    onTestFailed(async () => {
      await screenshot(page, `${name}-failure`);
      await page.close();
    });
    await page.goto(`${server.baseUrl}/signin`);
    await page.evaluate(() => window.localStorage.clear());
    return page;
  }

  async function screenshot(page: Page, name: string): Promise<void> {
    const path = `${ARTIFACTS_DIR}/${name}.png`;
    await page.screenshot({ path, fullPage: true });
    console.log(`screenshot: ${path}`);
  }

  function appUrl(path: string): string {
    if (!server) throw new Error('beforeAll did not finish');
    return `${server.baseUrl}${path}`;
  }

  async function fillCredentials(page: Page, email: string, password: string): Promise<void> {
    await page.getByLabel('Email', { exact: true }).fill(email);
    await page.getByLabel('Password', { exact: true }).fill(password);
  }

  async function signUp(page: Page): Promise<string> {
    const email = `e2e-${randomUUID()}@example.com`;
    await page.goto(appUrl('/signup'));
    await fillCredentials(page, email, PASSWORD);
    await page.getByRole('button', { name: 'Create account' }).click();
    await page.waitForURL(appUrl('/pricing'));
    return email;
  }

  async function subscribeToProMonthly(page: Page): Promise<void> {
    const card = page.locator('article').filter({ hasText: 'Pro' }).filter({ hasText: '$29.00' });
    await card.getByText('per month').waitFor();
    await card.getByRole('button', { name: /^Subscribe/ }).click();
    await page.waitForURL(/\/c\/pay\/cs_test_/);
  }

  it('(a) subscribes through checkout and sees the subscription confirmed', async () => {
    const page = await openApp('a');
    // Records whether the waiting state was ever on screen, however briefly the webhook took.
    await page.addInitScript((text) => {
      new MutationObserver(() => {
        if (document.body?.textContent?.includes(text)) sessionStorage.setItem('e2e.sawConfirming', 'yes');
      }).observe(document, { childList: true, subtree: true, characterData: true });
    }, CONFIRMING_TEXT);

    const email = await signUp(page);
    await page.getByText(email).waitFor();
    // The plans, not the loading state, are what the screenshot should show.
    await page.locator('article').filter({ hasText: '$29.00' }).first().waitFor();
    await screenshot(page, 'a-1-pricing');

    await subscribeToProMonthly(page);
    await screenshot(page, 'a-2-checkout');

    await page.getByRole('button', { name: 'Pay' }).click();
    await page.waitForURL(appUrl('/dashboard?checkout=success'));
    const main = page.getByRole('main');
    await main.getByText('active', { exact: true }).waitFor();
    await main.getByText('Pro', { exact: true }).waitFor();
    expect(await page.evaluate(() => sessionStorage.getItem('e2e.sawConfirming'))).toBe('yes');
    await screenshot(page, 'a-3-dashboard');

    // The same page at a phone's width: nothing may force sideways scrolling.
    await page.setViewportSize({ width: 375, height: 800 });
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(375);
    await screenshot(page, 'a-4-dashboard-375px');
    await page.close();
  });

  it('(b) comes back from a cancelled checkout with a notice', async () => {
    const page = await openApp('b');
    await signUp(page);
    await subscribeToProMonthly(page);

    await page.getByRole('link', { name: 'Cancel' }).click();
    await page.waitForURL(appUrl('/pricing?checkout=cancelled'));
    await page.getByRole('status').filter({ hasText: 'Checkout cancelled' }).waitFor();
    await screenshot(page, 'b-1-cancelled');
    await page.close();
  });

  it('(c) shows the server’s message for a wrong password and a taken email', async () => {
    const page = await openApp('c');
    const email = await signUp(page);
    await page.goto(appUrl('/dashboard'));
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.waitForURL(appUrl('/signin'));

    await fillCredentials(page, email, 'not the password');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('alert').filter({ hasText: 'Invalid email or password' }).waitFor();
    await screenshot(page, 'c-1-wrong-password');

    await page.getByRole('main').getByRole('link', { name: 'Create an account' }).click();
    await fillCredentials(page, email, PASSWORD);
    await page.getByRole('button', { name: 'Create account' }).click();
    await page.getByRole('alert').filter({ hasText: 'An account with this email already exists' }).waitFor();
    await screenshot(page, 'c-2-email-taken');

    await page.getByRole('main').getByRole('link', { name: 'Sign in' }).click();
    await fillCredentials(page, email, PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL(appUrl('/pricing'));
    await page.close();
  });
});
