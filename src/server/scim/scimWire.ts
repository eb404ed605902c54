/**
 * The SCIM wire format shared by `/Users` (scim.ts) and `/Groups` (scimGroups.ts): `application/scim+json`
 * bodies, SCIM error bodies with `scimType`, the body limit, and the bearer-token check.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { z } from 'zod';

export const LIST_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:ListResponse';
export const ERROR_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:Error';
export const PATCH_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
export const BODY_LIMIT = 64 * 1024;
export const MAX_PAGE = 200;

/** A SCIM refusal: HTTP status, optional `scimType`, and a sentence. */
export class ScimError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly scimType?: string,
  ) {
    super(message);
  }
}

export function send(res: ServerResponse, status: number, body?: unknown): void {
  const headers = { 'cache-control': 'no-store', 'x-content-type-options': 'nosniff' };
  if (body === undefined) {
    res.writeHead(status, headers).end();
    return;
  }
  const text = JSON.stringify(body);
  res.writeHead(status, { ...headers, 'content-type': 'application/scim+json; charset=utf-8', 'content-length': String(Buffer.byteLength(text)) });
  res.end(text);
}

export function readBody(req: IncomingMessage): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > BODY_LIMIT) {
        reject(new ScimError(413, `the request body is larger than ${BODY_LIMIT} bytes`));
        req.destroy();
        return;
      }
      chunks.push(c);
    });
    req.on('error', () => reject(new ScimError(400, 'the request body could not be read')));
    req.on('end', () => {
      const type = String(req.headers['content-type'] ?? '');
      if (!/^application\/(scim\+)?json\s*(;|$)/i.test(type)) return reject(new ScimError(415, 'the body must be application/scim+json'));
      try {
        resolve(JSON.parse(Buffer.concat(chunks).toString('utf8')));
      } catch {
        reject(new ScimError(400, 'the body is not JSON', 'invalidSyntax'));
      }
    });
  });
}

export function parseWith<T extends z.ZodType>(schema: T, value: unknown): z.infer<T> {
  const r = schema.safeParse(value);
  if (!r.success) {
    const issue = r.error.issues[0];
    throw new ScimError(400, `invalid ${issue?.path.join('.') || 'body'}: ${issue?.message ?? 'rejected'}`.slice(0, 200), 'invalidValue');
  }
  return r.data;
}

export function tokenMatches(header: string | undefined, expected: string): boolean {
  const m = /^Bearer (.+)$/.exec(header ?? '');
  if (!m) return false;
  const a = createHash('sha256').update(m[1]!).digest();
  const b = createHash('sha256').update(expected).digest();
  return timingSafeEqual(a, b);
}
