import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** Debian's chromium by default: playwright-core cannot download browsers here. */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const ARTIFACTS_DIR = fileURLToPath(new URL('../test-artifacts', import.meta.url));
export const STEP_TIMEOUT_MS = 15_000;

/**
 * Whether the browser tests can run; when they cannot, says so loudly, so a machine without
 * Chromium never passes in silence (`suite`: whose tests did not run).
 */
export function chromiumFor(suite: string): boolean {
  if (existsSync(CHROMIUM_PATH)) return true;
  console.warn(
    [
      '',
      '='.repeat(78),
      `  E2E SKIPPED: no Chromium at ${CHROMIUM_PATH}.`,
      `  The ${suite} browser tests did NOT run. Install Debian's \`chromium\` package`,
      '  or set CHROMIUM_PATH to a Chromium/Chrome executable.',
      '='.repeat(78),
      '',
    ].join('\n'),
  );
  return false;
}
