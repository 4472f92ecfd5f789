import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import { REPO_ROOT } from './processes';

export interface WebBundle {
  /** Scripts index.html loads at once: its module entry and every modulepreload. */
  initialFiles: string[];
  initialJsBytes: number;
  initialJsGzipBytes: number;
  allJsGzipBytes: number;
}

/**
 * Builds the web app with its own `vite build` into a temporary directory (apps/web/dist is left
 * alone) and measures what the first page load downloads, gzipped at the default level.
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
    const size = (file: string) => {
      const content = readFileSync(resolve(outDir, `.${file.startsWith('/') ? file : `/${file}`}`));
      return { raw: content.length, gzip: gzipSync(content).length };
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
      allJsGzipBytes: all.reduce((sum, file) => sum + gzipSync(readFileSync(file)).length, 0),
    };
  } finally {
    rmSync(outDir, { recursive: true, force: true });
  }
}
