import { randomUUID } from 'node:crypto';
import { mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type * as Axe from 'axe-core';
import { type BrowserContext, chromium, type Page } from 'playwright-core';
import Stripe from 'stripe';
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from 'vitest';
import { formatDate } from '../src/dashboard/subscription-summary';
import { formatPrice } from '../src/pricing/format-price';
import { ARTIFACTS_DIR, CHROMIUM_PATH, chromiumFor, STEP_TIMEOUT_MS } from './browser';
import { buildWebApp, type RunningServer, removeTempDirs, startServer, tempDir } from './server';

const hasChromium = chromiumFor('billing');
const PASSWORD = 'correct horse battery';
const CONFIRMING_TEXT = 'Confirming your subscription…';
/** Stripe fills in the session id the dashboard syncs. */
const RETURNED_FROM_CHECKOUT = /\/dashboard\?checkout=success&session_id=cs_test_\w+$/;
/**
 * Far longer than the test waits for the dashboard: only the sync can show the subscription in time.
 * Not much longer: the emulator delivers one event at a time, so the held events delay every later
 * webhook of the run (scenario (i) waits for them to drain).
 */
const HELD_BACK_WEBHOOK_MS = 30_000;
/** axe-core's browser build, run inside each page audited. */
const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
/** Desktop and phone: every audited page is screenshot at both, and must not scroll sideways on a phone. */
const WIDTHS = [1280, 375] as const;
/** "Within a few seconds" of the return, with room for a busy machine. */
const SYNCED_WITHIN_MS = 10_000;

describe.skipIf(!hasChromium)('billing in a real browser', () => {
  let server: RunningServer | undefined;
  let context: BrowserContext | undefined;
  let webDistDir: string | undefined;

  beforeAll(async () => {
    mkdirSync(ARTIFACTS_DIR, { recursive: true });
    webDistDir = await buildWebApp();
    server = await startServer(webDistDir);
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
    await page.waitForURL(RETURNED_FROM_CHECKOUT);
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
    // The account menu, in the header of every page.
    await page.getByRole('button', { name: `Account menu: ${email}` }).click();
    await page.getByRole('menuitem', { name: 'Sign out' }).click();
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

  function emulatorControl(path: string): string {
    if (!server) throw new Error('beforeAll did not finish');
    return `${server.emulatorUrl}/_emulator/${path}`;
  }

  /** The server's built-in emulator's delivery controls. */
  async function setWebhookDelivery(options: { delayMs?: number }): Promise<void> {
    const response = await fetch(emulatorControl('delivery'), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(options),
    });
    expect(response.status).toBe(200);
  }

  async function completedCheckoutDeliveries(): Promise<number> {
    const deliveries = (await (await fetch(emulatorControl('webhook-deliveries'))).json()) as { type: string }[];
    return deliveries.filter((attempt) => attempt.type === 'checkout.session.completed').length;
  }

  it('(g) shows the subscription active on return from checkout while webhooks are held back', async () => {
    const page = await openApp('g');
    await signUp(page);
    await subscribeToProMonthly(page);
    await setWebhookDelivery({ delayMs: HELD_BACK_WEBHOOK_MS });
    try {
      const deliveredBefore = await completedCheckoutDeliveries();
      await page.getByRole('button', { name: 'Pay' }).click();
      await page.waitForURL(RETURNED_FROM_CHECKOUT);
      const main = page.getByRole('main');
      await main.getByText('active', { exact: true }).waitFor({ timeout: SYNCED_WITHIN_MS });
      await main.getByText('Pro', { exact: true }).waitFor();
      // Shown by the sync, not by a webhook: this checkout's completion has not been delivered yet.
      expect(await completedCheckoutDeliveries()).toBe(deliveredBefore);
      await screenshot(page, 'g-1-dashboard-synced');
    } finally {
      // The emulator merges delivery settings: restore the delay explicitly, or every later webhook waits.
      await setWebhookDelivery({ delayMs: 0 });
    }
    await page.close();
  });

  it('(h) keeps the plan chosen while signed out through sign-up and goes straight to its checkout', async () => {
    const page = await openApp('h');
    await page.goto(appUrl('/pricing'));
    await page.getByRole('switch', { name: 'Bill yearly' }).click();
    const yearly = page.locator('article').filter({ hasText: 'Pro' }).filter({ hasText: 'per year' });
    await yearly.getByRole('button', { name: /^Subscribe/ }).click();
    await page.waitForURL(appUrl('/signup?plan=price_pro_yearly'));
    await fillCredentials(page, `e2e-${randomUUID()}@example.com`, PASSWORD);
    await screenshot(page, 'h-1-signup-with-plan');
    await page.getByRole('button', { name: 'Create account' }).click();

    await page.waitForURL(/\/c\/pay\/cs_test_/);
    await page.getByText('$290.00 / year').first().waitFor();
    await screenshot(page, 'h-2-checkout-of-chosen-plan');
    await page.getByRole('button', { name: 'Pay' }).click();
    await page.waitForURL(RETURNED_FROM_CHECKOUT);
    await page.getByRole('main').getByText('Yearly', { exact: true }).waitFor();
    await page.close();
  });

  it('(i) refuses a wrong promotion code next to its field, then subscribes with FRIEND20 at 20 % off', async () => {
    const page = await openApp('i');
    await signUp(page);
    const code = page.getByLabel('Promotion code');
    await code.fill('NOSUCHCODE');
    const card = page.locator('article').filter({ hasText: 'Pro' }).filter({ hasText: '$29.00' });
    await card.getByRole('button', { name: /^Subscribe/ }).click();
    await page.getByRole('alert').filter({ hasText: 'Invalid promotion code' }).waitFor();
    expect(await code.getAttribute('aria-invalid')).toBe('true');
    await screenshot(page, 'i-1-invalid-code');

    await code.fill('friend20');
    await subscribeToProMonthly(page);
    // The emulator's page shows what Stripe's would: the discount and what is due today.
    await page.getByText('Discount (FRIEND20)').waitFor();
    await page.getByText(formatPrice(2320, 'usd')).first().waitFor();
    await screenshot(page, 'i-2-discounted-checkout');
    await page.getByRole('button', { name: 'Pay' }).click();
    await page.waitForURL(RETURNED_FROM_CHECKOUT);
    const main = page.getByRole('main');
    await main.getByText('active', { exact: true }).waitFor();
    // Billing history: the first invoice charged 80 % of the $29.00 price.
    await main.getByRole('cell', { name: formatPrice(2320, 'usd'), exact: true }).waitFor();
    await screenshot(page, 'i-3-discounted-invoice');
    await page.close();
  });

  /** A signed-out visitor on the pricing page types `code`, picks a card and fills in sign-up. */
  async function visitorChooses(page: Page, code: string, card: { product: string; price: string }) {
    await page.getByLabel('Promotion code').fill(code);
    const chosen = page.locator('article').filter({ hasText: card.product }).filter({ hasText: card.price });
    await chosen.getByRole('button', { name: /^Subscribe/ }).click();
    await page.getByRole('heading', { name: 'Create your account' }).waitFor();
    await fillCredentials(page, `e2e-${randomUUID()}@example.com`, PASSWORD);
  }

  it('(n) keeps a visitor’s FRIEND20 through sign-up to a discounted checkout and first invoice', async () => {
    const page = await openApp('n');
    const starterPrice = 900;
    const discounted = formatPrice(starterPrice * 0.8, 'usd');
    await page.goto(appUrl('/pricing'));
    await visitorChooses(page, 'FRIEND20', { product: 'Starter', price: formatPrice(starterPrice, 'usd') });
    expect(page.url()).toBe(appUrl('/signup?plan=price_starter_monthly&code=FRIEND20'));
    await screenshot(page, 'n-1-signup-with-plan-and-code');
    await page.getByRole('button', { name: 'Create account' }).click();

    await page.waitForURL(/\/c\/pay\/cs_test_/);
    await page.getByText('Discount (FRIEND20)').waitFor();
    await page.getByText(discounted).first().waitFor();
    await screenshot(page, 'n-2-discounted-checkout');
    await page.getByRole('button', { name: 'Pay' }).click();
    await page.waitForURL(RETURNED_FROM_CHECKOUT);
    const main = page.getByRole('main');
    await main.getByText('active', { exact: true }).waitFor();
    await main.getByText('Starter', { exact: true }).waitFor();
    // Billing history: the first invoice charged 80 % of Starter's price.
    await main.getByRole('cell', { name: discounted, exact: true }).waitFor();
    await page.close();
  });

  it('(o) shows a visitor’s invalid code after sign-up with the plan still on view, then goes on without it', async () => {
    const page = await openApp('o');
    await page.goto(appUrl('/pricing'));
    await page.getByRole('switch', { name: 'Bill yearly' }).click();
    await visitorChooses(page, 'NOSUCHCODE', { product: 'Pro', price: 'per year' });
    await page.getByRole('button', { name: 'Create account' }).click();

    await page.getByRole('alert').filter({ hasText: 'Invalid promotion code' }).waitFor();
    await page.waitForURL(appUrl('/pricing'));
    const code = page.getByLabel('Promotion code');
    expect(await code.inputValue()).toBe('NOSUCHCODE');
    expect(await code.getAttribute('aria-invalid')).toBe('true');
    expect(await page.getByRole('switch', { name: 'Bill yearly' }).getAttribute('aria-checked')).toBe('true');
    await screenshot(page, 'o-1-invalid-code-after-signup');

    await code.fill('');
    const yearly = page.locator('article').filter({ hasText: 'Pro' }).filter({ hasText: 'per year' });
    await yearly.getByRole('button', { name: /^Subscribe/ }).click();
    await page.waitForURL(/\/c\/pay\/cs_test_/);
    await page.getByText('$290.00 / year').first().waitFor();
    expect(await page.getByText(/^Discount/).count()).toBe(0);
    await page.close();
  });

  /**
   * Runs axe-core on the page as it is now and fails on serious or critical violations; checks there
   * is at most one status region, and that a phone's width needs no sideways scrolling, of the page
   * or of any box in it (a table scrolling in its own box hides its last columns just the same);
   * screenshots it at desktop and phone width (test-artifacts/audit-<name>-<width>.png).
   */
  async function audit(page: Page, name: string): Promise<void> {
    // Evaluated through the DevTools protocol, so the server's Content-Security-Policy does not apply.
    if (!(await page.evaluate(() => 'axe' in window))) await page.evaluate(AXE_SOURCE);
    const violations = await page.evaluate(async () => {
      const { axe } = window as unknown as { axe: typeof Axe };
      const results = await axe.run(document, { resultTypes: ['violations'] });
      return results.violations
        .filter((violation) => violation.impact === 'serious' || violation.impact === 'critical')
        .map(({ id, impact, help, nodes }) => ({
          id,
          impact,
          help,
          nodes: nodes.map((node) => node.target.join(' ')),
        }));
    });
    expect(violations, `axe on ${name}`).toEqual([]);
    expect(await page.getByRole('status').count(), `status regions on ${name}`).toBeLessThanOrEqual(1);
    for (const width of WIDTHS) {
      await page.setViewportSize({ width, height: 800 });
      if (width < 400) {
        const scrollWidth = await page.evaluate(() => document.documentElement.scrollWidth);
        expect(scrollWidth, `width of ${name} on a phone`).toBeLessThanOrEqual(width);
        const scrollingBoxes = await page.evaluate(() =>
          [...document.querySelectorAll('body *')]
            .filter((element) => element.scrollWidth > element.clientWidth)
            .filter((element) => ['auto', 'scroll'].includes(getComputedStyle(element).overflowX))
            .map((element) => `${element.tagName.toLowerCase()}.${element.className}`),
        );
        expect(scrollingBoxes, `boxes of ${name} that scroll sideways on a phone`).toEqual([]);
      }
      await screenshot(page, `audit-${name}-${width}`);
    }
    await page.setViewportSize({ width: WIDTHS[0], height: 800 });
  }

  it('(j) every page and dialog passes axe, with one status region, at desktop and phone width', async () => {
    const page = await openApp('j');
    await page.goto(appUrl('/pricing'));
    await page.locator('article').filter({ hasText: '$29.00' }).waitFor();
    await audit(page, 'pricing');

    await page.goto(appUrl('/signin'));
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByText('email must be a valid email address').waitFor();
    await audit(page, 'signin-field-errors');

    await page.goto(appUrl('/no-such-page'));
    await page.getByRole('heading', { name: 'Page not found' }).waitFor();
    expect(await page.title()).toBe('Page not found · Subkit');
    await audit(page, 'not-found');

    await page.goto(appUrl('/signup'));
    await fillCredentials(page, `e2e-${randomUUID()}@example.com`, 'password');
    await page.getByRole('button', { name: 'Create account' }).click();
    // Too common: only the server knows, and says so under the field.
    await page.getByText('password is too common', { exact: false }).waitFor();
    await audit(page, 'signup-server-field-error');

    const email = await signUp(page);
    const menuButton = page.getByRole('button', { name: `Account menu: ${email}` });
    await menuButton.click();
    await page.getByRole('menuitem', { name: 'Dashboard' }).waitFor();
    await audit(page, 'account-menu');
    await page.getByRole('menuitem', { name: 'Dashboard' }).click();
    await page.waitForURL(appUrl('/dashboard'));
    await page.getByText("You don't have a subscription yet.", { exact: false }).waitFor();
    await audit(page, 'dashboard-no-subscription');

    await page.goto(appUrl('/pricing'));
    await page.getByRole('switch', { name: 'Bill yearly' }).click();
    await page.getByText('Save 17%').waitFor();
    await audit(page, 'pricing-yearly-signed-in');
    await page.getByRole('switch', { name: 'Bill yearly' }).click();
    await subscribeToProMonthly(page);
    await page.getByRole('button', { name: 'Pay' }).click();
    await page.waitForURL(RETURNED_FROM_CHECKOUT);
    await page.getByRole('main').getByText('active', { exact: true }).waitFor();
    await page.getByRole('table').waitFor();
    await audit(page, 'dashboard-subscribed');

    await page.getByRole('button', { name: 'Change plan' }).click();
    const changeDialog = page.getByRole('dialog', { name: 'Change plan' });
    await changeDialog.getByRole('radio', { name: /Pro yearly/ }).check();
    await changeDialog.getByText(/^You'll be charged \S+ now\.$/).waitFor();
    await audit(page, 'change-plan-dialog');
    await page.keyboard.press('Escape');
    await changeDialog.waitFor({ state: 'hidden' });

    await page.getByRole('button', { name: 'Cancel subscription' }).click();
    await page.getByRole('dialog', { name: 'Cancel your subscription?' }).waitFor();
    await audit(page, 'cancel-dialog');
    await page.close();
  });

  describe('plan changes', () => {
    let stripe: Stripe;
    beforeAll(() => {
      if (!server) throw new Error('beforeAll did not finish');
      const emulator = new URL(server.emulatorUrl);
      // Any test key: the emulator is one account, the same one the server talks to.
      stripe = new Stripe('sk_test_e2e', { host: emulator.hostname, port: Number(emulator.port), protocol: 'http' });
    });

    /** A new account subscribed to Pro monthly through checkout, on its dashboard. */
    async function subscriber(name: string): Promise<Page> {
      const page = await openApp(name);
      await signUp(page);
      await subscribeToProMonthly(page);
      await page.getByRole('button', { name: 'Pay' }).click();
      await page.waitForURL(RETURNED_FROM_CHECKOUT);
      await page.getByRole('main').getByText('active', { exact: true }).waitFor();
      return page;
    }

    /** The subscription as the app's API answers the signed-in browser (the dashboard does not show its ID). */
    async function subscriptionId(page: Page): Promise<string> {
      const token = await page.evaluate(() => window.localStorage.getItem('subkit.token'));
      const response = await fetch(appUrl('/api/billing/subscription'), {
        headers: { authorization: `Bearer ${token}` },
      });
      const body = (await response.json()) as { data: { id: string } };
      return body.data.id;
    }

    it('(d) upgrades with its preview, and is charged exactly the previewed amount', async () => {
      const page = await subscriber('d');
      const changePlan = page.getByRole('button', { name: 'Change plan' });
      const dialog = page.getByRole('dialog', { name: 'Change plan' });

      // The dialog: Esc closes it and focus goes back to the button that opened it.
      await changePlan.click();
      await dialog.waitFor();
      await page.keyboard.press('Escape');
      await dialog.waitFor({ state: 'hidden' });
      // Radix hands focus back just after the dialog unmounts.
      await expect.poll(() => changePlan.evaluate((button) => button === document.activeElement)).toBe(true);

      await changePlan.click();
      await dialog.getByRole('radio', { name: /Pro yearly/ }).check();
      const charge = dialog.getByText(/^You'll be charged \S+ now\.$/);
      await charge.waitFor();
      const shownAmount = /charged (\S+) now/.exec((await charge.textContent()) ?? '')?.[1];
      await screenshot(page, 'd-1-upgrade-preview');
      await page.setViewportSize({ width: 375, height: 800 });
      await screenshot(page, 'd-2-upgrade-preview-375px');
      await page.setViewportSize({ width: 1280, height: 800 });

      await dialog.getByRole('button', { name: 'Confirm change' }).click();
      await page.getByRole('status').filter({ hasText: "You're on Pro yearly." }).waitFor();
      await dialog.waitFor({ state: 'hidden' });
      await page.getByRole('main').getByText('Yearly', { exact: true }).waitFor();
      await screenshot(page, 'd-3-upgraded');

      const subscription = await stripe.subscriptions.retrieve(await subscriptionId(page), {
        expand: ['latest_invoice'],
      });
      const invoice = subscription.latest_invoice as Stripe.Invoice;
      expect(invoice).toMatchObject({ billing_reason: 'subscription_update', status: 'paid' });
      expect(invoice.amount_paid).toBeGreaterThan(0);
      expect(shownAmount).toBe(formatPrice(invoice.amount_paid, invoice.currency, 'en-US'));
      expect(subscription.items.data[0]?.price.id).toBe('price_pro_yearly');
      await page.close();
    });

    it('(e) marks the current plan on the pricing page and shows a downgrade as pending', async () => {
      const page = await subscriber('e');
      const renewsOn = await page.locator('dt:has-text("Renews on") + dd').textContent();

      await page.getByRole('link', { name: 'Pricing' }).click();
      const current = page.locator('article').filter({ hasText: 'Current plan' });
      await current.waitFor();
      expect(await current.getByText('$29.00').count()).toBe(1);
      expect(await page.getByRole('button', { name: /^Subscribe/ }).count()).toBe(0);
      await screenshot(page, 'e-1-pricing-current-plan');

      await page.getByRole('button', { name: 'Change plan to Starter monthly' }).click();
      const dialog = page.getByRole('dialog', { name: 'Change plan' });
      await dialog.getByText(`Starts on ${renewsOn}, no charge now.`).waitFor();
      await dialog.getByRole('button', { name: 'Confirm change' }).click();
      await page
        .getByRole('status')
        .filter({ hasText: `Your plan changes to Starter monthly on ${renewsOn}.` })
        .waitFor();

      // The pending change is the server's, not only this page's: it survives a fresh load.
      await page.goto(appUrl('/dashboard'));
      const pending = page.getByText(`Changes to Starter monthly on ${renewsOn}`, { exact: true });
      await pending.waitFor();
      await page.getByRole('main').getByText('Pro', { exact: true }).waitFor();
      await screenshot(page, 'e-2-dashboard-pending');
      await page.setViewportSize({ width: 375, height: 800 });
      expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(375);
      await screenshot(page, 'e-3-dashboard-pending-375px');
      await page.setViewportSize({ width: 1280, height: 800 });

      const id = await subscriptionId(page);
      await expect
        .poll(async () => (await stripe.subscriptions.retrieve(id)).schedule, { timeout: STEP_TIMEOUT_MS })
        .not.toBeNull();

      await page.getByRole('button', { name: 'Keep Pro monthly' }).click();
      await page.getByRole('status').filter({ hasText: "You're on Pro monthly." }).waitFor();
      await pending.waitFor({ state: 'detached' });
      expect((await stripe.subscriptions.retrieve(id)).schedule).toBeNull();
      await page.close();
    });

    it('(f) cancels at period end after confirming, then resumes', async () => {
      const page = await subscriber('f');
      const id = await subscriptionId(page);
      const periodEnd = (await stripe.subscriptions.retrieve(id)).items.data[0]?.current_period_end ?? 0;
      const endsOn = formatDate(new Date(periodEnd * 1000).toISOString(), 'en-US');

      await page.getByRole('button', { name: 'Cancel subscription' }).click();
      const dialog = page.getByRole('dialog', { name: 'Cancel your subscription?' });
      await dialog.getByText(`You keep Pro monthly until ${endsOn}`, { exact: false }).waitFor();
      await screenshot(page, 'f-1-cancel-confirmation');
      await dialog.getByRole('button', { name: 'Cancel at period end' }).click();

      const main = page.getByRole('main');
      await main.getByText('Cancels at period end').waitFor();
      await main.getByText('Ends on', { exact: true }).waitFor();
      expect((await stripe.subscriptions.retrieve(id)).cancel_at_period_end).toBe(true);
      await page.reload();
      const resume = page.getByRole('button', { name: 'Resume subscription' });
      await resume.waitFor();
      await screenshot(page, 'f-2-cancelling');

      await resume.click();
      await main.getByText('Renews on', { exact: true }).waitFor();
      await main.getByText('Cancels at period end').waitFor({ state: 'detached' });
      expect((await stripe.subscriptions.retrieve(id)).cancel_at_period_end).toBe(false);
      await page.getByRole('button', { name: 'Change plan' }).waitFor();
      await screenshot(page, 'f-3-resumed');
      await page.close();
    });

    it("(m) upgrades Starter to Pro and shows Pro's features and the new charge without a reload", async () => {
      const page = await openApp('m');
      await signUp(page);
      const starter = page.locator('article').filter({ hasText: 'Starter' });
      await starter.getByRole('button', { name: /^Subscribe/ }).click();
      await page.waitForURL(/\/c\/pay\/cs_test_/);
      await page.getByRole('button', { name: 'Pay' }).click();
      await page.waitForURL(RETURNED_FROM_CHECKOUT);
      const features = page.getByRole('list', { name: 'Your plan includes:' });
      await features.getByText('Email support').waitFor();
      const invoices = page.locator('table.invoices tbody tr');
      await expect.poll(() => invoices.count(), { timeout: STEP_TIMEOUT_MS }).toBe(1);

      await page.getByRole('button', { name: 'Change plan' }).click();
      const dialog = page.getByRole('dialog', { name: 'Change plan' });
      await dialog.getByRole('radio', { name: /Pro monthly/ }).check();
      await dialog.getByText(/^You'll be charged \S+ now\.$/).waitFor();
      await dialog.getByRole('button', { name: 'Confirm change' }).click();
      await page.getByRole('status').filter({ hasText: "You're on Pro monthly." }).waitFor();

      // The same page, not reloaded: what the plan includes and the history follow the change.
      await features.getByText('Report export').waitFor();
      expect(await features.getByText('Email support').count()).toBe(0);
      const upgrade = (await stripe.subscriptions.retrieve(await subscriptionId(page), { expand: ['latest_invoice'] }))
        .latest_invoice as Stripe.Invoice;
      await page
        .getByRole('cell', { name: formatPrice(upgrade.amount_paid, upgrade.currency, 'en-US'), exact: true })
        .waitFor();
      expect(await invoices.count()).toBe(2);
      await screenshot(page, 'm-1-upgraded-from-starter');
      await page.close();
    });

    /** Reloads the dashboard until `text` is on it (or gone): webhooks land a moment after Stripe acts. */
    async function reloadUntil(page: Page, text: string, state: 'visible' | 'detached') {
      await expect
        .poll(
          async () => {
            await page.reload();
            await page.getByRole('main').getByText('Renews on', { exact: true }).waitFor();
            return (await page.getByText(text).count()) > 0;
          },
          { timeout: STEP_TIMEOUT_MS, interval: 500 },
        )
        .toBe(state === 'visible');
    }

    async function emulator(path: string, body?: unknown): Promise<void> {
      if (!server) throw new Error('beforeAll did not finish');
      const response = await fetch(`${server.emulatorUrl}${path}`, {
        method: 'POST',
        headers: { authorization: 'Bearer sk_test_e2e', 'content-type': 'application/json' },
        body: JSON.stringify(body ?? {}),
      });
      expect(response.status).toBe(200);
    }

    // Last: it moves the shared emulator's clock a month ahead, past what a new checkout accepts.
    it('(k) shows a failed renewal with a way to update the card, and clears once Stripe retries', async () => {
      const page = await subscriber('k');
      const features = page.getByRole('list', { name: 'Your plan includes:' });
      await features.getByText('Report export').waitFor();
      const id = await subscriptionId(page);
      const periodEnd = (await stripe.subscriptions.retrieve(id)).items.data[0]?.current_period_end ?? 0;

      // From here on only webhooks bring news (the plain dashboard does not sync a checkout), so the
      // events (g) held back must be through first.
      await emulator('/_emulator/flush');
      await page.goto(appUrl('/dashboard'));
      await emulator(`/v1/test_helpers/subscriptions/${id}/fail_next_renewal`);
      const now = (await (await fetch(`${server?.emulatorUrl}/_emulator/info`)).json()) as { now: number };
      await emulator('/_emulator/clock/advance', { seconds: periodEnd - now.now + 60 });
      const FAILED = 'Your last payment failed';
      await reloadUntil(page, FAILED, 'visible');
      await page.getByRole('main').getByText('past_due', { exact: true }).waitFor();
      // Still subscribed during Stripe's retries: the plan's features stay.
      await features.getByText('Report export').waitFor();
      await screenshot(page, 'k-1-payment-failed');

      await page.getByRole('button', { name: 'Update payment method' }).click();
      await page.getByRole('heading', { name: 'Update your payment method' }).waitFor();
      await page.getByLabel('Card number').fill('4242 4242 4242 4242');
      await page.getByRole('button', { name: 'Save' }).click();
      await page.waitForURL(appUrl('/dashboard'));
      const saved = (await stripe.customers.retrieve(
        String((await stripe.subscriptions.retrieve(id)).customer),
      )) as Stripe.Customer;
      expect(saved.invoice_settings.default_payment_method).toMatch(/^pm_/);

      // Stripe charges the new card at its next automatic retry, three days on.
      await emulator('/_emulator/clock/advance', { seconds: 3 * 24 * 60 * 60 });
      await reloadUntil(page, FAILED, 'detached');
      await page.getByRole('main').getByText('active', { exact: true }).waitFor();
      await features.getByText('Report export').waitFor();
      await screenshot(page, 'k-2-recovered');
      await page.close();
    });
  });

  describe('free trial', () => {
    let withoutTrial: RunningServer | undefined;
    // Its own server, with TRIAL_DAYS set; every helper above talks to `server`, so it stands in for the scenario.
    beforeAll(async () => {
      if (!webDistDir) throw new Error('beforeAll did not finish');
      withoutTrial = server;
      server = await startServer(webDistDir, { TRIAL_DAYS: '14' });
    });
    afterAll(async () => {
      const trialServer = server;
      server = withoutTrial;
      await trialServer?.stop();
    });

    it('(l) starts a 14-day trial at checkout and shows when it ends on the dashboard', async () => {
      const page = await openApp('l');
      await signUp(page);
      await subscribeToProMonthly(page);
      await page.getByText('14-day free trial, then $29.00 / month.').waitFor();
      await page.getByRole('button', { name: 'Start trial' }).click();
      await page.waitForURL(RETURNED_FROM_CHECKOUT);
      const main = page.getByRole('main');
      await main.getByText('trialing', { exact: true }).waitFor();

      const token = await page.evaluate(() => window.localStorage.getItem('subkit.token'));
      const response = await fetch(appUrl('/api/billing/subscription'), {
        headers: { authorization: `Bearer ${token}` },
      });
      const { trialEnd } = ((await response.json()) as { data: { trialEnd: string } }).data;
      await main.getByText(`Trial ends on ${formatDate(trialEnd, 'en-US')}, then $29.00 per month.`).waitFor();
      await screenshot(page, 'l-1-trial-dashboard');
      await page.close();
    });
  });
});
