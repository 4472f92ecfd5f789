import { constants, type InputType } from 'node:zlib';
import { gzipAsync, type ZopfliOptions } from '@gfx/zopfli';
import react from '@vitejs/plugin-react';
import { defineConfig, type Plugin } from 'vite';
import { compression, defineAlgorithm } from 'vite-plugin-compression2';

// In development the API runs on its own port; proxying keeps the app same-origin, exactly as in
// production where the server serves the built files itself.
const apiTarget = `http://127.0.0.1:${process.env.PORT ?? 3000}`;

/**
 * Ctrl-C on `pnpm dev`: Vite closes gracefully on SIGTERM only, and a dev server killed by SIGINT
 * makes pnpm print "Command failed". Close it and exit 0 instead.
 */
const closeOnCtrlC: Plugin = {
  name: 'subkit:close-on-ctrl-c',
  apply: 'serve',
  configureServer(server) {
    let closing = false;
    const close = async () => {
      if (closing) return;
      closing = true;
      await server.close();
      process.exit(0);
    };
    process.on('SIGINT', close);
    // A config change restarts Vite with a new server, which registers its own handler.
    server.httpServer?.once('close', () => process.off('SIGINT', close));
  },
};

/**
 * Every text asset is written a second and third time, brotli- and gzip-compressed, beside itself
 * (`x.js.br`, `x.js.gz`), and the server sends the one a browser accepts (routes/web-app.ts). Done
 * once at build, both can take their slowest, smallest settings: brotli at its maximum quality, and
 * gzip by zopfli, whose exhaustive search writes a standard gzip stream about 3% smaller than zlib's
 * level 9 on this app's first-load JavaScript (zlib 9: 114.2 KB, zopfli: 110.4 KB, brotli 11: 100.3 KB).
 * Files that would not shrink are left uncompressed; the server then sends the original.
 */
/** zopfli's gzip in the plugin's algorithm shape: the plugin hands over a file's bytes or text. */
async function zopfliGzip(source: InputType, options: ZopfliOptions): Promise<Buffer> {
  const input =
    typeof source === 'string'
      ? source
      : ArrayBuffer.isView(source)
        ? new Uint8Array(source.buffer, source.byteOffset, source.byteLength)
        : new Uint8Array(source);
  return Buffer.from(await gzipAsync(input, options));
}

const precompressedAssets = compression({
  algorithms: [
    defineAlgorithm('brotliCompress', { params: { [constants.BROTLI_PARAM_QUALITY]: constants.BROTLI_MAX_QUALITY } }),
    // 15 iterations is zopfli's own default; 100 saves a further 16 bytes for eight times the build time.
    [zopfliGzip, { numiterations: 15 }],
  ],
  logLevel: 'silent',
});

export default defineConfig({
  plugins: [react(), closeOnCtrlC, precompressedAssets],
  resolve: {
    alias: [
      // TanStack Router's store reads state through use-sync-external-store's shim, which carries its
      // own implementation for React < 18 and, from 18 on, hands over to React's useSyncExternalStore.
      // The package's non-shim entry is that hand-over alone: same behaviour on React 19, less code.
      {
        find: /^use-sync-external-store\/shim\/with-selector(\.js)?$/,
        replacement: 'use-sync-external-store/with-selector.js',
      },
    ],
  },
  server: {
    port: 5173,
    proxy: {
      '/trpc': apiTarget,
      '/api': apiTarget,
      // The mail outbox page (no SMTP_URL), so it opens on the dev server's origin too.
      '/dev': apiTarget,
    },
  },
  build: {
    outDir: 'dist',
    // Every browser the app supports preloads modules itself (Safari 17, Firefox 115, Chromium 66);
    // an older one fetches the shell after the 3.5 KB entry instead of beside it, one round trip later.
    modulePreload: { polyfill: false },
    rolldownOptions: {
      // The precompression runs inside vite:build-import-analysis's generateBundle (where the plugin
      // hooks in), so rolldown's timing check blamed that plugin for seconds the compressors spend
      // on purpose, in every build.
      checks: { bundlerTimings: false },
      output: {
        advancedChunks: {
          // What every page runs (React, the router, TanStack Query, tRPC) in one chunk: left to itself
          // the bundler splits it between the entry and a chunk the lazy pages share (rolldown #10731),
          // and two streams compress worse than one (-0.45 KB gzip on the first load).
          groups: [
            {
              name: 'shell',
              test: /node_modules[\\/](react|react-dom|scheduler|@tanstack[\\/][^\\/]+|@trpc[\\/][^\\/]+|use-sync-external-store)[\\/]/,
            },
          ],
        },
      },
      treeshake: {
        // @trpc/client declares no `sideEffects` in its package.json, so a module the app uses none of
        // stays in the bundle for its top-level statements: the WebSocket client of wsLink (a class
        // with a static counter) shipped to every visitor although only httpBatchLink is used. Its
        // modules only define links and helpers; declaring them free of side effects drops the unused ones.
        moduleSideEffects: [{ test: /[\\/]node_modules[\\/]@trpc[\\/]client[\\/]/, sideEffects: false }],
      },
    },
  },
});
