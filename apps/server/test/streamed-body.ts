import { request as httpRequest } from 'node:http';

/** What an attacker offers: enough that a server reading it to the end is plain to see, cheap when refused. */
export const OFFERED_BYTES = 48 * 1024 * 1024;
const CHUNK = Buffer.alloc(64 * 1024, 'a');

export interface StreamedBody {
  status: number;
  text: string;
  /** Bytes the client had written when the answer (or the hang-up) came. */
  bytesWritten: number;
}

/**
 * POSTs up to OFFERED_BYTES of `contentType` to `url`, respecting back-pressure, and stops writing
 * as soon as the server answers or hangs up: a server that refuses before reading answers long
 * before the client could send everything.
 */
export function streamBody(url: string, contentType: string, start: Buffer): Promise<StreamedBody> {
  return new Promise((resolve, reject) => {
    let bytesWritten = 0;
    let writing = true;
    let writtenWhenAnswered: number | undefined;
    const req = httpRequest(url, { method: 'POST', headers: { 'content-type': contentType }, agent: false });
    req.on('response', (res) => {
      writtenWhenAnswered ??= bytesWritten;
      writing = false;
      const parts: Buffer[] = [];
      res.on('data', (part: Buffer) => parts.push(part));
      res.on('end', () =>
        resolve({
          status: res.statusCode ?? 0,
          text: Buffer.concat(parts).toString(),
          bytesWritten: writtenWhenAnswered ?? bytesWritten,
        }),
      );
      res.on('error', reject);
    });
    // Once an answer is in, the server hanging up mid-body is how a refusal ends the upload.
    req.on('error', (error) => {
      writing = false;
      if (writtenWhenAnswered === undefined)
        reject(new Error(`no answer before the connection failed: ${error.message}`));
    });
    const write = () => {
      while (writing) {
        const chunk = bytesWritten === 0 ? Buffer.concat([start, CHUNK]) : CHUNK;
        const piece = chunk.subarray(0, Math.min(chunk.length, OFFERED_BYTES - bytesWritten));
        bytesWritten += piece.length;
        if (bytesWritten >= OFFERED_BYTES) {
          writing = false;
          req.end(piece);
          return;
        }
        if (!req.write(piece)) {
          req.once('drain', write);
          return;
        }
      }
    };
    write();
  });
}
