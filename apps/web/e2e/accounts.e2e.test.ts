import { randomUUID } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { type BrowserContext, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from 'vitest';
import { ARTIFACTS_DIR, CHROMIUM_PATH, chromiumFor, STEP_TIMEOUT_MS } from './browser';
import { buildWebApp, type RunningServer, removeTempDirs, startServer, tempDir } from './server';

const hasChromium = chromiumFor('account');
const PASSWORD = 'correct horse battery';
const NEW_PASSWORD = 'a brand new horse battery';

/**
 * The account pages in a real browser against the real server, which has no SMTP_URL: the mail it
 * sends is read where a developer reads it, on its /dev/outbox page, and its links are followed.
 */
describe.skipIf(!hasChromium)('accounts in a real browser', () => {
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
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'],
    });
  });

  afterAll(async () => {
    await context?.close();
    await server?.stop();
    removeTempDirs();
  });

  function appUrl(path: string): string {
    if (!server) throw new Error('beforeAll did not finish');
    return `${server.baseUrl}${path}`;
  }

  async function openApp(name: string): Promise<Page> {
    if (!context) throw new Error('beforeAll did not finish');
    const page = await context.newPage();
    page.setDefaultTimeout(STEP_TIMEOUT_MS);
    page.setDefaultNavigationTimeout(STEP_TIMEOUT_MS);
    onTestFailed(async () => {
      await screenshot(page, `accounts-${name}-failure`);
      await page.close();
    });
    await page.goto(appUrl('/signin'));
    await page.evaluate(() => window.localStorage.clear());
    return page;
  }

  async function screenshot(page: Page, name: string): Promise<void> {
    const path = `${ARTIFACTS_DIR}/${name}.png`;
    await page.screenshot({ path, fullPage: true });
    console.log(`screenshot: ${path}`);
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

  /** Opens the outbox page, reloading until the mail has gone out (it is sent after the answer), and follows its link. */
  async function followMailedLink(page: Page, email: string, subject: string, path: string): Promise<void> {
    const mail = page.locator('article').filter({ hasText: subject });
    await expect
      .poll(
        async () => {
          await page.goto(appUrl(`/dev/outbox?to=${encodeURIComponent(email)}`));
          return mail.count();
        },
        { timeout: STEP_TIMEOUT_MS },
      )
      .toBeGreaterThan(0);
    await page.getByRole('heading', { name: 'Outbox' }).waitFor();
    await mail
      .first()
      .getByRole('link', { name: new RegExp(`${path}\\?token=`) })
      .click();
    await page.waitForURL(new RegExp(`${path}\\?token=[\\w-]{43}$`));
  }

  it('(a) resets a forgotten password through the mailed link and is signed in', async () => {
    const page = await openApp('a');
    const email = await signUp(page);
    await page.evaluate(() => window.localStorage.clear());

    await page.goto(appUrl('/signin'));
    await page.getByRole('link', { name: 'Forgot password?' }).click();
    await page.waitForURL(appUrl('/forgot-password'));
    await page.getByLabel('Email', { exact: true }).fill(email);
    await page.getByRole('button', { name: 'Send the link' }).click();
    await page.getByRole('status').filter({ hasText: 'If an account uses this email, a link is on its way' }).waitFor();
    await screenshot(page, 'accounts-a-1-requested');

    await followMailedLink(page, email, 'Reset your password', '/reset-password');
    const resetLink = page.url();
    await page.getByRole('heading', { name: 'Choose a new password' }).waitFor();
    await page.getByLabel('New password').fill('password');
    await page.getByRole('button', { name: 'Set new password' }).click();
    // Only the server knows the common-password list; its refusal is shown under the field it names.
    await page.locator('.field-error').filter({ hasText: 'password is too common' }).waitFor();
    expect(await page.getByLabel('New password').getAttribute('aria-invalid')).toBe('true');
    await page.getByLabel('New password').fill(NEW_PASSWORD);
    await screenshot(page, 'accounts-a-2-new-password');
    await page.getByRole('button', { name: 'Set new password' }).click();

    await page.waitForURL(appUrl('/dashboard'));
    await page.getByRole('heading', { name: 'Dashboard' }).waitFor();
    await page.getByRole('banner').getByText(email).waitFor();
    // Opening the mailed link confirmed the address too.
    expect(await page.getByRole('heading', { name: 'Verify your email' }).count()).toBe(0);

    // The link was spent.
    await page.goto(resetLink);
    await page.getByLabel('New password').fill('yet another horse battery');
    await page.getByRole('button', { name: 'Set new password' }).click();
    await page.getByRole('alert').filter({ hasText: 'This link is invalid, already used or expired' }).waitFor();

    await page.evaluate(() => window.localStorage.clear());
    await page.goto(appUrl('/signin'));
    await fillCredentials(page, email, NEW_PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL(appUrl('/pricing'));
    await page.close();
  });

  it('(b) confirms the address from the outbox link, after the dashboard asks for it', async () => {
    const page = await openApp('b');
    const email = await signUp(page);
    await page.goto(appUrl('/dashboard'));
    const notice = page.getByRole('region', { name: 'Verify your email' });
    await notice.getByText(email).waitFor();
    await notice.getByRole('button', { name: 'Send the link again' }).click();
    await page.getByRole('status').filter({ hasText: 'A new link is on its way.' }).waitFor();
    await screenshot(page, 'accounts-b-1-notice');

    await followMailedLink(page, email, 'Confirm your email address', '/verify-email');
    await page
      .getByRole('status')
      .filter({ hasText: `Thank you: ${email} is confirmed.` })
      .waitFor();
    await screenshot(page, 'accounts-b-2-confirmed');

    await page.getByRole('link', { name: 'Go to your dashboard' }).click();
    await page.getByRole('heading', { name: 'Dashboard' }).waitFor();
    await page.getByRole('heading', { name: 'Your subscription' }).waitFor();
    await expect.poll(() => page.getByRole('region', { name: 'Verify your email' }).count()).toBe(0);
    await page.close();
  });

  it('(c) changes the password on the dashboard, signing out the other browser', async () => {
    const page = await openApp('c');
    const email = await signUp(page);
    // A second browser (its own storage) signed in to the same account.
    if (!context || !server) throw new Error('beforeAll did not finish');
    const other = await chromium.launch({ executablePath: CHROMIUM_PATH, headless: true, args: ['--no-sandbox'] });
    try {
      const otherPage = await other.newPage();
      await otherPage.goto(appUrl('/signin'));
      await fillCredentials(otherPage, email, PASSWORD);
      await otherPage.getByRole('button', { name: 'Sign in' }).click();
      await otherPage.waitForURL(appUrl('/pricing'));

      await page.goto(appUrl('/dashboard'));
      await page.getByLabel('Current password').fill('not my password');
      await page.getByLabel('New password').fill(NEW_PASSWORD);
      await page.getByRole('button', { name: 'Change password' }).click();
      await page.getByRole('alert').filter({ hasText: 'currentPassword is not your current password' }).waitFor();
      await page.getByLabel('Current password').fill(PASSWORD);
      await page.getByRole('button', { name: 'Change password' }).click();
      await page.getByRole('status').filter({ hasText: 'Password changed. 1 other session was signed out.' }).waitFor();
      await screenshot(page, 'accounts-c-1-changed');

      // This browser stays signed in; the other is sent to sign in again.
      await page.reload();
      await page.getByRole('heading', { name: 'Dashboard' }).waitFor();
      await otherPage.goto(appUrl('/dashboard'));
      await otherPage.waitForURL(appUrl('/signin'));
    } finally {
      await other.close();
    }
    await page.close();
  });
});
