/**
 * Oversized and non-JSON bodies are refused (413/415) after at most a small part of them was read,
 * on every route and for every content type. The client here behaves like an attacker: it keeps
 * writing (respecting back-pressure) until it has sent 48 MiB or the server closes the connection,
 * and the server's own socket says how many bytes it read.
 */
import { request as httpRequest } from 'node:http';
import type { Socket } from 'node:net';
import { TRPC_ERROR_CODES_BY_KEY } from '@trpc/server/rpc';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HTTP_ERROR_CODES } from '../../src/http/error-codes';
import { type Stack, startStack } from '../harness';

const ATTEMPTED_BYTES = 48 * 1024 * 1024;
const CHUNK = Buffer.alloc(64 * 1024, 'a');
const API_LIMIT = 64 * 1024;
const WEBHOOK_LIMIT = 1024 * 1024;
// What socket and parser buffers may hold beyond a limit (a few 64 KiB reads).
const BUFFERS = 512 * 1024;

interface Exchange {
  status: number;
  body: unknown;
  bytesWritten: number;
  serverBytesRead: number;
}

const STARTS: Record<string, Buffer> = {
  'multipart/form-data; boundary=x': Buffer.from('--x\r\nContent-Disposition: form-data; name="email"\r\n\r\n'),
  'text/plain': Buffer.from(''),
  'application/octet-stream': Buffer.from(''),
  'application/json': Buffer.from('{"email":"'),
};

describe('body limits', () => {
  let stack: Stack;
  // The server's end of each test connection, by the client's port.
  const serverSockets = new Map<number, Socket>();
  beforeAll(async () => {
    stack = await startStack('pglite');
    stack.server.app.server.on('connection', (socket: Socket) => {
      if (socket.remotePort) serverSockets.set(socket.remotePort, socket);
    });
  });
  afterAll(() => stack.close());

  /** Sends up to ATTEMPTED_BYTES on a connection of its own and reports what the server read of it. */
  function send(path: string, contentType: string, declareLength: boolean): Promise<Exchange> {
    return new Promise((resolve, reject) => {
      let bytesWritten = 0;
      let response: { status: number; body: unknown } | undefined;
      let writing = true;
      const headers: Record<string, string | number> = { 'content-type': contentType };
      if (declareLength) headers['content-length'] = ATTEMPTED_BYTES;
      const req = httpRequest(new URL(path, stack.server.url), { method: 'POST', headers, agent: false });
      let clientPort: number | undefined;
      req.once('socket', (socket) => socket.once('connect', () => (clientPort = socket.localPort)));
      const settle = async () => {
        if (writing || !response) return;
        // A response came, so the server accepted this connection.
        const socket = serverSockets.get(clientPort ?? -1);
        if (!socket) return reject(new Error(`no server socket for client port ${clientPort}`));
        // The server reads nothing more once its side is closed; wait for that before counting.
        if (!socket.destroyed) await new Promise((closed) => socket.once('close', closed));
        resolve({ ...response, bytesWritten, serverBytesRead: socket.bytesRead });
      };
      req.on('response', (res) => {
        const parts: Buffer[] = [];
        res.on('data', (part: Buffer) => parts.push(part));
        res.on('end', () => {
          response = { status: res.statusCode ?? 0, body: JSON.parse(Buffer.concat(parts).toString()) };
          void settle();
        });
        res.on('error', reject);
      });
      // The server hanging up mid-body is the expected end of the write loop, not a failure.
      req.on('error', () => {
        writing = false;
        void settle();
      });
      const write = () => {
        while (writing) {
          const chunk = bytesWritten === 0 ? Buffer.concat([STARTS[contentType] ?? Buffer.from(''), CHUNK]) : CHUNK;
          const piece = chunk.subarray(0, Math.min(chunk.length, ATTEMPTED_BYTES - bytesWritten));
          bytesWritten += piece.length;
          if (bytesWritten >= ATTEMPTED_BYTES) {
            writing = false;
            req.end(piece, () => void settle());
            return;
          }
          if (!req.write(piece)) {
            req.once('drain', write);
            return;
          }
        }
      };
      req.on('close', () => {
        writing = false;
        void settle();
      });
      write();
    });
  }

  const paths = ['/trpc/auth.signUp', '/api/auth/signup', '/api/billing/webhook', '/api/no-such-route'];
  const cases = paths.flatMap((path) =>
    Object.keys(STARTS).flatMap((contentType) =>
      [false, true].map((declareLength) => ({
        path,
        contentType,
        declareLength,
        status: contentType === 'application/json' ? 413 : 415,
      })),
    ),
  );

  it.each(cases)('$path, $contentType, length declared: $declareLength → $status', async (testCase) => {
    const exchange = await send(testCase.path, testCase.contentType, testCase.declareLength);
    expect(exchange.status).toBe(testCase.status);
    const { code, message } =
      testCase.status === 413 ? HTTP_ERROR_CODES.BODY_TOO_LARGE : HTTP_ERROR_CODES.CONTENT_TYPE_NOT_JSON;
    // A tRPC client reads only tRPC's error shape, so /trpc refuses in it; every other route in the envelope.
    expect(exchange.body).toEqual(
      testCase.path.startsWith('/trpc/')
        ? {
            error: {
              message,
              code: TRPC_ERROR_CODES_BY_KEY[code],
              data: { code, httpStatus: testCase.status, path: 'auth.signUp', issues: null },
            },
          }
        : { success: false, error: { code, message } },
    );
    const limit = testCase.path === '/api/billing/webhook' ? WEBHOOK_LIMIT : API_LIMIT;
    expect(exchange.serverBytesRead).toBeLessThan(limit + BUFFERS);
  });
});
