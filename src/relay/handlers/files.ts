/**
 * PubNub Files as the SDK calls it (docs/relay.md "Files"; the SDK's `lib/core/endpoints/file_upload/*`):
 * generate an upload URL, the multipart upload to it, publish the file message, download (a redirect to a
 * short-lived signed URL the relay serves), list and delete. Access Manager: uploading and publishing need
 * `write` on the channel, listing and downloading `read`, deleting `delete` (PubNub's permissions for Files).
 * The upload and the signed download carry their own authority in the URL, as PubNub's S3 URLs do. Sizes
 * are bounded (`fileBytes`), and so are the bytes per channel and per subscribe key (`files_full`). Refusals
 * of an upload are 400s, as S3 answers a pre-signed upload past its size range (`EntityTooLarge`): the SDK
 * retries any other failed status but 403 and 404, and a retry could only fail again.
 */
import { BadRequestError, NotFoundError, PayloadTooLargeError } from '../errors';
import { noContent, ok, okBytes, redirect } from '../http/reply';
import { parseFormUpload } from '../http/multipart';
import { route, type RouteContext } from '../http/router';
import { LIMITS } from '../options';
import { needs, OPEN } from '../pam/accessManager';
import { FILE_ID } from '../store/files';
import { callerUuid, intQuery, isPlainObject, oneChannel, parseJson, pathText, subscribeKey } from './params';
import { parsePublish, publish, type PublishParams } from './publish';

interface ChannelParams {
  readonly subKey: string;
  readonly channel: string;
}

interface FileParams extends ChannelParams {
  readonly id: string;
  readonly name: string;
}

const NAME_FORBIDDEN = /[/\\\u0000-\u001f\u007f]/;

function checkFileName(name: unknown): string {
  if (typeof name !== 'string' || name.length === 0 || name.length > LIMITS.fileNameChars || NAME_FORBIDDEN.test(name)) {
    throw new BadRequestError('invalid_parameter', `A file name must be 1-${LIMITS.fileNameChars} characters without / \\ or control characters`);
  }
  return name;
}

function checkFileId(id: string): string {
  if (!FILE_ID.test(id)) throw new NotFoundError('not_found', 'No such file');
  return id;
}

function channelParams(ctx: RouteContext): ChannelParams {
  const subKey = subscribeKey(ctx);
  const channel = oneChannel(ctx);
  callerUuid(ctx);
  return { subKey, channel };
}

function fileParams(ctx: RouteContext): FileParams {
  return { ...channelParams(ctx), id: checkFileId(pathText(ctx, 'id')), name: checkFileName(pathText(ctx, 'name')) };
}

function existing(ctx: RouteContext, p: FileParams) {
  const file = ctx.relay.files.find(p.subKey, p.channel, p.id, p.name);
  if (file === undefined) throw new NotFoundError('not_found', 'No such file');
  return file;
}

const generateUploadUrl = route('POST', '/v1/files/:sub/channels/:channel/generate-upload-url', {
  parse: async (ctx) => {
    const body = parseJson((await ctx.incoming.body()).toString('utf8'), 'body');
    return { ...channelParams(ctx), name: checkFileName(isPlainObject(body) ? body.name : undefined) };
  },
  access: (p) => needs([[p.channel, 'write']]),
  handle: (p, ctx) => {
    const { relay } = ctx;
    // A channel already at its quota is refused here, before anything is sent.
    relay.files.assertRoom(p.subKey, p.channel, 1);
    if (ctx.incoming.host === '') throw new BadRequestError('invalid_parameter', 'The request has no usable Host header');
    const id = relay.files.newId();
    const slot = relay.uploads.open({ subKey: p.subKey, channel: p.channel, id, name: p.name }, Date.now());
    return ok({
      status: 200,
      data: { id, name: p.name },
      file_upload_request: {
        url: `http://${ctx.incoming.host}/v1/files-upload/${slot.name}`,
        method: 'POST',
        expiration_date: new Date(slot.expiresAt).toISOString(),
        form_fields: [{ key: 'Content-Type', value: 'application/octet-stream' }],
      },
    });
  },
});

const upload = route('POST', '/v1/files-upload/:slot', {
  parse: (ctx) => ({ slot: pathText(ctx, 'slot') }),
  access: () => OPEN,
  handle: (p, ctx) => {
    const { relay } = ctx;
    return relay.uploads.receive(async () => {
      // Taken before the body is read: a URL is good for one attempt, whatever its outcome.
      const slot = relay.uploads.take(p.slot, Date.now());
      const max = relay.config.limits.fileBytes;
      const tooLarge = () => new BadRequestError('body_too_large', `The file is larger than the relay's ${max} bytes`, 'Files');
      const body = await ctx.incoming.bodyUpTo(max + LIMITS.uploadFramingBytes).catch((error: unknown) => {
        throw error instanceof PayloadTooLargeError ? tooLarge() : error;
      });
      const { file } = parseFormUpload(body, ctx.incoming.contentType);
      if (file.length > max) throw tooLarge();
      if (file.length === 0) throw new BadRequestError('invalid_parameter', 'The file is empty');
      await relay.files.save(slot.subKey, slot.channel, { id: slot.id, name: slot.name }, file);
      return noContent();
    });
  },
});

/** The file a file message names, when it is in the clear (an SDK-encrypted one is a string, taken as is). */
function namedFile(message: unknown): { id: string; name: string } | undefined {
  if (!isPlainObject(message)) return undefined;
  const file = message.file;
  if (!isPlainObject(file) || typeof file.id !== 'string' || typeof file.name !== 'string') {
    throw new BadRequestError('invalid_parameter', 'A file message must name the file: {"file":{"id","name"}}');
  }
  return { id: file.id, name: file.name };
}

const publishFile = route('GET', '/v1/files/publish-file/:pub/:sub/0/:channel/0/:message', {
  errorShape: 'publishArray',
  parse: (ctx) => parsePublish(ctx, 'message', false),
  access: (p: PublishParams) => needs([[p.channel, 'write']]),
  handle: (p: PublishParams, ctx) => {
    const file = namedFile(JSON.parse(p.message) as unknown);
    if (file !== undefined && ctx.relay.files.find(p.subKey, p.channel, file.id, file.name) === undefined) {
      throw new NotFoundError('not_found', 'The file message names no file uploaded to this channel');
    }
    return publish(p, ctx, 'file');
  },
});

const download = route('GET', '/v1/files/:sub/channels/:channel/files/:id/:name', {
  parse: fileParams,
  access: (p) => needs([[p.channel, 'read']]),
  handle: (p, ctx) => {
    existing(ctx, p);
    return redirect(ctx.relay.downloads.issue(p, Date.now()));
  },
});

const signedDownload = route('GET', '/v1/files-download/:sub/:channel/:id/:name', {
  parse: (ctx) => ({
    subKey: subscribeKey(ctx),
    channel: pathText(ctx, 'channel'),
    id: checkFileId(pathText(ctx, 'id')),
    name: pathText(ctx, 'name'),
  }),
  access: () => OPEN,
  handle: async (p, ctx) => {
    const q = ctx.incoming.query;
    ctx.relay.downloads.verify(p, q.get('expires'), q.get('sig'), Date.now());
    const file = existing(ctx, p);
    return okBytes(await ctx.relay.files.read(file), 'application/octet-stream');
  },
});

const remove = route('DELETE', '/v1/files/:sub/channels/:channel/files/:id/:name', {
  parse: fileParams,
  access: (p) => needs([[p.channel, 'delete']]),
  handle: async (p, ctx) => {
    if (!(await ctx.relay.files.remove(p.subKey, p.channel, p.id, p.name))) throw new NotFoundError('not_found', 'No such file');
    return ok({ status: 200 });
  },
});

const list = route('GET', '/v1/files/:sub/channels/:channel/files', {
  parse: (ctx) => {
    const next = ctx.incoming.query.get('next');
    if (next !== undefined && !/^\d{1,18}$/.test(next)) throw new BadRequestError('invalid_parameter', 'next must be a cursor from a previous page');
    return { ...channelParams(ctx), limit: intQuery(ctx, 'limit', 1, LIMITS.filesPage) ?? LIMITS.filesPage, after: BigInt(next ?? '0') };
  },
  access: (p) => needs([[p.channel, 'read']]),
  handle: (p, ctx) => {
    const page = ctx.relay.files.list(p.subKey, p.channel, p.limit, p.after);
    return ok({ status: 200, data: page.files, count: page.files.length, ...(page.next !== undefined ? { next: String(page.next) } : {}) });
  },
});

export const fileRoutes = [generateUploadUrl, upload, publishFile, download, signedDownload, remove, list];
