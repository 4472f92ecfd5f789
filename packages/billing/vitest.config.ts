import { defineConfig } from 'vitest/config';

// Test files start a PGlite and an emulator; with every package's tests running at once, that can
// outlast vitest's 10 s default for hooks.
export default defineConfig({
  test: { testTimeout: 30_000, hookTimeout: 60_000 },
});
