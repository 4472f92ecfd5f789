import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

/**
 * The committed `src/generated` files are what the generators write from the pinned stripe-node: an
 * SDK upgrade that changes Stripe's parameters or objects fails here until they are regenerated
 * (`pnpm --filter @subkit/stripe-emulator generate`) and the changes looked at.
 */
const packageDir = fileURLToPath(new URL('..', import.meta.url));
const scratch = mkdtempSync(join(tmpdir(), 'stripe-emulator-generated-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe('the generated files', () => {
  it.each([
    ['generate-params.ts', 'stripe-params.json'],
    ['generate-schemas.ts', 'stripe-schemas.json'],
  ])(
    'scripts/%s writes the committed src/generated/%s',
    (script, file) => {
      execFileSync(join(packageDir, 'node_modules', '.bin', 'tsx'), [join(packageDir, 'scripts', script), scratch], {
        cwd: packageDir,
        timeout: 120_000,
      });
      const fresh = JSON.parse(readFileSync(join(scratch, file), 'utf8'));
      const committed = JSON.parse(readFileSync(join(packageDir, 'src', 'generated', file), 'utf8'));
      // Compared as JSON: the committed file is also formatted by Biome.
      expect(committed).toEqual(fresh);
    },
    120_000,
  );
});
