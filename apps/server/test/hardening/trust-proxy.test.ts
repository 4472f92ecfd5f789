/**
 * Client addresses behind a real reverse proxy: nginx from the distribution, with the usual
 * `X-Forwarded-For $proxy_add_x_forwarded_for`. Clients connect to nginx from different loopback
 * addresses (127.0.0.2, .3, …), so nginx sees genuinely different clients, exactly as it would on a
 * network; the sign-in limit shows which address the server took for each.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import getPort from 'get-port';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Stack, startStack, startTestServer, type TestServer, uniqueEmail } from '../harness';

const AUTH_LIMIT = 5;
const NGINX = process.env.NGINX_PATH ?? 'nginx';

interface Nginx {
  port: number;
  close(): Promise<void>;
}

async function startNginx(upstream: string): Promise<Nginx> {
  const dir = mkdtempSync(join(tmpdir(), 'subkit-nginx-'));
  const port = await getPort({ host: '127.0.0.1' });
  const { host } = new URL(upstream);
  writeFileSync(
    join(dir, 'nginx.conf'),
    `${process.getuid?.() === 0 ? 'user root;\n' : ''}daemon off;
worker_processes 1;
pid ${dir}/nginx.pid;
error_log ${dir}/error.log info;
events { worker_connections 64; }
http {
  access_log ${dir}/access.log;
  client_body_temp_path ${dir}/client_body;
  proxy_temp_path ${dir}/proxy;
  fastcgi_temp_path ${dir}/fastcgi;
  uwsgi_temp_path ${dir}/uwsgi;
  scgi_temp_path ${dir}/scgi;
  server {
    listen 127.0.0.1:${port};
    location / {
      proxy_pass http://${host};
      proxy_set_header Host $host;
      proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
    }
  }
}
`,
  );
  const child: ChildProcess = spawn(NGINX, ['-p', dir, '-c', join(dir, 'nginx.conf'), '-e', join(dir, 'error.log')], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk) => (output += chunk));
  child.stderr?.on('data', (chunk) => (output += chunk));
  const exited = once(child, 'exit');
  // Ready once a request through it reaches the server.
  const deadline = Date.now() + 20_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`nginx exited: ${output}`);
    const status = await post(port, '/api/health', undefined, '127.0.0.1', 'GET').catch(() => 0);
    if (status === 200) break;
    if (Date.now() > deadline) throw new Error(`nginx did not come up: ${output}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return {
    port,
    async close() {
      if (child.exitCode === null) {
        child.kill('SIGTERM');
        await exited;
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A request from a given local address; resolves with the status. */
function post(
  port: number,
  path: string,
  body: unknown,
  localAddress: string,
  method = 'POST',
  headers: Record<string, string> = {},
): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      {
        host: '127.0.0.1',
        port,
        path,
        method,
        localAddress,
        agent: false,
        headers: { ...headers, 'content-type': 'application/json' },
      },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      },
    );
    req.on('error', reject);
    req.end(body === undefined ? undefined : JSON.stringify(body));
  });
}

const login = (port: number, from: string, forwardedFor?: string) =>
  post(port, '/api/auth/login', { email: uniqueEmail(), password: 'wrong password' }, from, 'POST', {
    ...(forwardedFor ? { 'x-forwarded-for': forwardedFor } : {}),
  });

const randomAddress = () => `203.0.113.${Math.floor(Math.random() * 254) + 1}`;
const REFUSED_AFTER_LIMIT = [...Array(AUTH_LIMIT).fill(401), 429, 429];

describe('client addresses behind nginx', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack('pglite');
  });
  afterAll(() => stack.close());

  describe.each([
    ['a hop count', '1'],
    ['the proxy address', '127.0.0.1/32'],
  ])('TRUST_PROXY as %s (%s)', (_form, trustProxy) => {
    let server: TestServer;
    let nginx: Nginx;
    beforeAll(async () => {
      server = await startTestServer(stack.database, stack.emulator, {
        RATE_LIMIT_AUTH_PER_MIN: String(AUTH_LIMIT),
        TRUST_PROXY: trustProxy,
      });
      nginx = await startNginx(server.url);
    });
    afterAll(async () => {
      await nginx?.close();
      await server?.close();
    });

    it('keeps counting a client that forges a new X-Forwarded-For on every attempt', async () => {
      const statuses: number[] = [];
      for (let attempt = 0; attempt < AUTH_LIMIT + 2; attempt++) {
        statuses.push(await login(nginx.port, '127.0.0.2', randomAddress()));
      }
      expect(statuses).toEqual(REFUSED_AFTER_LIMIT);
    });

    it('counts two clients of the proxy apart', async () => {
      const first: number[] = [];
      for (let attempt = 0; attempt < AUTH_LIMIT + 2; attempt++) first.push(await login(nginx.port, '127.0.0.3'));
      expect(first).toEqual(REFUSED_AFTER_LIMIT);
      expect(await login(nginx.port, '127.0.0.4')).toBe(401);
    });
  });

  it('with the proxy address listed, a client reaching the server directly cannot name its address', async () => {
    const server = await startTestServer(stack.database, stack.emulator, {
      RATE_LIMIT_AUTH_PER_MIN: String(AUTH_LIMIT),
      TRUST_PROXY: '127.0.0.1/32',
    });
    try {
      const { port } = new URL(server.url);
      const statuses: number[] = [];
      for (let attempt = 0; attempt < AUTH_LIMIT + 2; attempt++) {
        statuses.push(await login(Number(port), '127.0.0.5', randomAddress()));
      }
      expect(statuses).toEqual(REFUSED_AFTER_LIMIT);
    } finally {
      await server.close();
    }
  });
});
