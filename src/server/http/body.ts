/**
 * Reads a JSON request body under a byte limit (docs/api.md, "Conventions": 2 MiB, else 413): a declared or
 * streamed length over the limit is refused without buffering the rest, anything that is not JSON is a
 * 400, and an empty body reads as `undefined`.
 */
import type { IncomingMessage } from 'node:http';
import { BadRequest, PayloadTooLarge } from './httpErrors';

/** Reads and parses the body; rejects with PayloadTooLarge or BadRequest. */
export function readJsonBody(req: IncomingMessage, limit: number): Promise<unknown> {
  const declared = Number(req.headers['content-length'] ?? '0');
  if (Number.isFinite(declared) && declared > limit) return Promise.reject(new PayloadTooLarge(limit));
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let failed = false;
    req.on('data', (chunk: Buffer) => {
      if (failed) return;
      size += chunk.length;
      if (size > limit) {
        failed = true;
        chunks.length = 0;
        reject(new PayloadTooLarge(limit));
        return;
      }
      chunks.push(chunk);
    });
    req.on('error', (err) => {
      if (!failed) reject(new BadRequest(`could not read the request body: ${err.message}`));
      failed = true;
    });
    req.on('end', () => {
      if (failed) return;
      if (size === 0) return resolve(undefined);
      const contentType = String(req.headers['content-type'] ?? '');
      if (!/^application\/json\s*(;|$)/i.test(contentType)) {
        return reject(new BadRequest('request body must be application/json', 'unsupported_media_type'));
      }
      try {
        resolve(JSON.parse(Buffer.concat(chunks).toString('utf8')));
      } catch {
        reject(new BadRequest('request body is not valid JSON', 'bad_json'));
      }
    });
  });
}
