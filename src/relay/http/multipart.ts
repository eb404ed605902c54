/**
 * A `multipart/form-data` body (RFC 7578) as a Files upload sends it: the form fields the relay handed out
 * with the upload URL, then one part named `file` holding the file's bytes (what the SDK's `sendFile` posts,
 * docs/relay.md "Files"). The body is already bounded when it gets here; this only splits it. Anything that
 * is not such a body is a 400 `invalid_parameter`.
 */
import { BadRequestError } from '../errors';

export interface FormUpload {
  readonly fields: ReadonlyMap<string, string>;
  /** The bytes of the `file` part. */
  readonly file: Buffer;
}

const MAX_FIELDS = 32;
const MAX_FIELD_BYTES = 4096;
const MAX_HEAD_BYTES = 4096;

function bad(what: string): never {
  throw new BadRequestError('invalid_parameter', `Malformed multipart upload: ${what}`);
}

/** The boundary of a `multipart/form-data` content type (RFC 2046 §5.1.1: 1-70 characters). */
export function boundaryOf(contentType: string): string {
  const match = /^multipart\/form-data\s*;.*?\bboundary=(?:"([^"]{1,70})"|([^\s;"]{1,70}))/i.exec(contentType);
  const boundary = match?.[1] ?? match?.[2];
  if (boundary === undefined) bad('the content type must be multipart/form-data with a boundary');
  return boundary;
}

function partName(head: string): { name: string; isFile: boolean } {
  const disposition = head.split('\r\n').find((line) => /^content-disposition:/i.test(line));
  if (disposition === undefined) bad('a part has no Content-Disposition');
  const name = /;\s*name="([^"]*)"/i.exec(disposition)?.[1];
  if (name === undefined) bad('a part has no name');
  return { name, isFile: /;\s*filename=/i.test(disposition) };
}

export function parseFormUpload(body: Buffer, contentType: string): FormUpload {
  const delimiter = Buffer.from(`--${boundaryOf(contentType)}`);
  const fields = new Map<string, string>();
  let file: Buffer | undefined;
  let at = body.indexOf(delimiter);
  if (at !== 0) bad('it does not start with the boundary');
  for (;;) {
    at += delimiter.length;
    if (body.subarray(at, at + 2).toString('latin1') === '--') break;
    if (body.subarray(at, at + 2).toString('latin1') !== '\r\n') bad('a boundary is not followed by a line break');
    const headEnd = body.indexOf('\r\n\r\n', at + 2);
    if (headEnd === -1 || headEnd - at > MAX_HEAD_BYTES) bad('a part head is missing or too long');
    const head = body.subarray(at + 2, headEnd).toString('utf8');
    const next = body.indexOf(Buffer.concat([Buffer.from('\r\n'), delimiter]), headEnd + 4);
    if (next === -1) bad('a part is not closed by the boundary');
    const content = body.subarray(headEnd + 4, next);
    const { name, isFile } = partName(head);
    if (isFile || name === 'file') {
      if (name !== 'file' || file !== undefined) bad('it must carry exactly one file, named "file"');
      file = content;
    } else {
      if (fields.size >= MAX_FIELDS || content.length > MAX_FIELD_BYTES || fields.has(name)) bad('too many, too long or repeated fields');
      fields.set(name, content.toString('utf8'));
    }
    at = next + 2;
  }
  if (file === undefined) bad('it carries no file');
  return { fields, file };
}
