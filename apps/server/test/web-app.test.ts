/**
 * The built web app as a browser downloads it: `vite build` writes brotli and gzip copies beside each
 * file, and the server sends the one the request's Accept-Encoding prefers, with the same cache
 * headers, and says so in Vary so that a shared cache keeps the variants apart. The dist directory
 * here is made by the test, laid out as `vite build` lays it out, so the bytes are known.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { brotliCompressSync, brotliDecompressSync, gunzipSync, gzipSync } from 'node:zlib';
import { testDatabaseKinds } from '@subkit/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Stack, startStack } from './harness';

const ASSET_PATH = '/assets/index-Abc123.js';
const ASSET = Buffer.from(
  `export const plans = ${JSON.stringify(Array.from({ length: 200 }, (_, i) => `plan-${i}`))};\n`,
);
const INDEX_HTML = Buffer.from(
  `<!doctype html><html lang="en"><head><script type="module" src="${ASSET_PATH}"></script></head>` +
    `<body><div id="root"></div></body></html>\n`,
);
const IMMUTABLE = 'public, max-age=31536000, immutable';

/** Writes `file`, `file.br` and `file.gz`, as the build's compression plugin does. */
function writePrecompressed(path: string, content: Buffer) {
  writeFileSync(path, content);
  writeFileSync(`${path}.br`, brotliCompressSync(content));
  writeFileSync(`${path}.gz`, gzipSync(content));
}

interface RawResponse {
  status: number;
  headers: IncomingHttpHeaders;
  /** The bytes on the wire, not decoded (fetch would decode them). */
  body: Buffer;
}

function get(baseUrl: string, path: string, headers: Record<string, string> = {}): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const request = httpRequest(new URL(path, baseUrl), { headers }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () =>
        resolve({ status: response.statusCode ?? 0, headers: response.headers, body: Buffer.concat(chunks) }),
      );
      response.on('error', reject);
    });
    request.on('error', reject);
    request.end();
  });
}

/** The Vary header's names, lower-cased, whatever other plugins added to it. */
function varyNames(response: RawResponse): string[] {
  return (response.headers.vary ?? '').split(',').map((name) => name.trim().toLowerCase());
}

describe.each(testDatabaseKinds())('the built web app over HTTP (%s)', (kind) => {
  let stack: Stack;
  let distDir: string;
  beforeAll(async () => {
    distDir = mkdtempSync(join(tmpdir(), 'subkit-web-dist-'));
    mkdirSync(join(distDir, 'assets'));
    writePrecompressed(join(distDir, 'index.html'), INDEX_HTML);
    writePrecompressed(join(distDir, ASSET_PATH), ASSET);
    stack = await startStack(kind, { WEB_DIST_DIR: distDir });
  });
  afterAll(async () => {
    await stack?.close();
    rmSync(distDir, { recursive: true, force: true });
  });

  it('sends an asset brotli-compressed to a browser that accepts brotli', async () => {
    const response = await get(stack.server.url, ASSET_PATH, { 'accept-encoding': 'gzip, deflate, br, zstd' });
    expect(response.status).toBe(200);
    expect(response.headers['content-encoding']).toBe('br');
    expect(response.headers['content-type']).toMatch(/^text\/javascript|^application\/javascript/);
    expect(response.headers['cache-control']).toBe(IMMUTABLE);
    expect(varyNames(response)).toContain('accept-encoding');
    expect(brotliDecompressSync(response.body).equals(ASSET)).toBe(true);
  });

  it('sends an asset gzip-compressed to a client that accepts gzip only', async () => {
    const response = await get(stack.server.url, ASSET_PATH, { 'accept-encoding': 'gzip' });
    expect(response.status).toBe(200);
    expect(response.headers['content-encoding']).toBe('gzip');
    expect(response.headers['cache-control']).toBe(IMMUTABLE);
    expect(varyNames(response)).toContain('accept-encoding');
    expect(gunzipSync(response.body).equals(ASSET)).toBe(true);
  });

  it('sends the asset as it is to a client that accepts no encoding, still varying on Accept-Encoding', async () => {
    const response = await get(stack.server.url, ASSET_PATH);
    expect(response.status).toBe(200);
    expect(response.headers['content-encoding']).toBeUndefined();
    expect(response.headers['cache-control']).toBe(IMMUTABLE);
    expect(varyNames(response)).toContain('accept-encoding');
    expect(response.body.equals(ASSET)).toBe(true);
  });

  it("keeps CORS's Vary: Origin beside Accept-Encoding on a cross-origin request", async () => {
    const response = await get(stack.server.url, ASSET_PATH, {
      'accept-encoding': 'br',
      origin: 'http://localhost:5173',
    });
    expect(response.headers['content-encoding']).toBe('br');
    expect(varyNames(response)).toEqual(expect.arrayContaining(['origin', 'accept-encoding']));
  });

  it.each(['/', '/dashboard', '/pricing?checkout=cancelled'])(
    'answers %s with index.html, compressed and never cached unchecked',
    async (path) => {
      const response = await get(stack.server.url, path, { 'accept-encoding': 'gzip, br' });
      expect(response.status).toBe(200);
      expect(response.headers['content-type']).toMatch(/^text\/html/);
      expect(response.headers['content-encoding']).toBe('br');
      expect(response.headers['cache-control']).toBe('no-cache');
      expect(varyNames(response)).toContain('accept-encoding');
      expect(brotliDecompressSync(response.body).equals(INDEX_HTML)).toBe(true);
    },
  );
});
