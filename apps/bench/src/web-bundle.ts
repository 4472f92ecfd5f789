import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { REPO_ROOT } from './processes';

export interface WebBundle {
  /** Scripts index.html loads at once: its module entry and every modulepreload. */
  initialFiles: string[];
  initialJsBytes: number;
  initialJsGzipBytes: number;
  initialJsBrotliBytes: number;
  allJsGzipBytes: number;
}

/**
 * Builds the web app with its own `vite build` into a temporary directory (apps/web/dist is left
 * alone) and measures what the first page load downloads: the `.gz` and `.br` copies the build
 * writes beside each file, which the server sends (apps/server/src/routes/web-app.ts).
 */
export async function measureWebBundle(): Promise<WebBundle> {
  const outDir = mkdtempSync(join(tmpdir(), 'subkit-web-'));
  try {
    execFileSync('pnpm', ['--filter', '@subkit/web', 'exec', 'vite', 'build', '--outDir', outDir, '--emptyOutDir'], {
      cwd: REPO_ROOT,
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    const html = readFileSync(join(outDir, 'index.html'), 'utf8');
    const initial = [
      ...html.matchAll(/<script[^>]+type="module"[^>]+src="([^"]+\.js)"/g),
      ...html.matchAll(/<link[^>]+rel="modulepreload"[^>]+href="([^"]+\.js)"/g),
    ].map((match) => match[1]!);
    // A file that compressing would not shrink has no copy, and the server sends it as it is.
    const sent = (path: string, encoding: '.gz' | '.br') =>
      statSync(existsSync(path + encoding) ? path + encoding : path).size;
    const size = (file: string) => {
      const path = resolve(outDir, `.${file.startsWith('/') ? file : `/${file}`}`);
      return { raw: statSync(path).size, gzip: sent(path, '.gz'), brotli: sent(path, '.br') };
    };
    const initialSizes = initial.map(size);
    const all = execFileSync('find', [outDir, '-name', '*.js'], { encoding: 'utf8' })
      .trim()
      .split('\n')
      .filter(Boolean);
    return {
      initialFiles: initial,
      initialJsBytes: initialSizes.reduce((sum, s) => sum + s.raw, 0),
      initialJsGzipBytes: initialSizes.reduce((sum, s) => sum + s.gzip, 0),
      initialJsBrotliBytes: initialSizes.reduce((sum, s) => sum + s.brotli, 0),
      allJsGzipBytes: all.reduce((sum, file) => sum + sent(file, '.gz'), 0),
    };
  } finally {
    rmSync(outDir, { recursive: true, force: true });
  }
}
