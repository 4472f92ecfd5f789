import react from '@vitejs/plugin-react';
import { defineConfig, type Plugin } from 'vite';

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

export default defineConfig({
  plugins: [react(), closeOnCtrlC],
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
    rolldownOptions: {
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
