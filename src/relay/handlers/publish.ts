/**
 * Publish (GET with the message in the path, POST with a possibly deflated JSON body) and signal
 * (docs/pubnub-wire.md §2): validates the JSON message, PubNub's 32 KiB limit (URL-escaped message plus channel
 * name) and the 64-byte signal limit, honours `store`, `ttl` (hours), `meta` and `custom_message_type`, stores
 * the message before fanning it out, and answers `[1, "Sent", "<timetoken>"]`. Errors use the publish array shape.
 */
import { BadRequestError, PayloadTooLargeError } from '../errors';
import { okRaw } from '../http/reply';
import { pubnubEncode } from '../http/percentEncoding';
import { route, type RouteContext } from '../http/router';
import { LIMITS } from '../options';
import { needs } from '../pam/accessManager';
import { FILE_MESSAGE_TYPE } from '../pubsub/event';
import { callerUuid, intQuery, isPlainObject, oneChannel, parseJson, pathText, publishKey, subscribeKey } from './params';

const SIGNAL_BYTES = 64;
const CUSTOM_TYPE = /^[A-Za-z0-9][A-Za-z0-9_-]{2,49}$/;

export interface PublishParams {
  readonly subKey: string;
  readonly channel: string;
  readonly uuid: string;
  readonly message: string;
  readonly store: boolean;
  readonly ttlHours: number | undefined;
  readonly meta: string | null;
  readonly customType: string | null;
}

export async function parsePublish(ctx: RouteContext, kind: 'message' | 'signal', fromBody: boolean): Promise<PublishParams> {
  publishKey(ctx);
  const subKey = subscribeKey(ctx);
  const channel = oneChannel(ctx);
  const uuid = callerUuid(ctx);
  const message = fromBody ? (await ctx.incoming.body()).toString('utf8') : pathText(ctx, 'message');
  if (pubnubEncode(message).length + pubnubEncode(channel).length > LIMITS.publishBytes) {
    throw new PayloadTooLargeError('message_too_large', 'Message Too Large');
  }
  if (kind === 'signal' && Buffer.byteLength(message) > SIGNAL_BYTES) {
    throw new PayloadTooLargeError('message_too_large', `Signal payload exceeds ${SIGNAL_BYTES} bytes`);
  }
  parseJson(message, 'message');
  const q = ctx.incoming.query;
  const metaText = q.get('meta');
  let meta: string | null = null;
  if (metaText !== undefined && metaText !== '') {
    if (!isPlainObject(parseJson(metaText, 'meta'))) throw new BadRequestError('invalid_json', 'meta must be a JSON object');
    meta = metaText;
  }
  const customType = q.get('custom_message_type') ?? null;
  if (customType !== null && !CUSTOM_TYPE.test(customType)) {
    throw new BadRequestError('invalid_parameter', 'custom_message_type must be 3-50 letters, digits, - or _');
  }
  const store = q.get('store');
  if (store !== undefined && !['0', '1', 'true', 'false'].includes(store)) {
    throw new BadRequestError('invalid_parameter', 'store must be 0 or 1');
  }
  return {
    subKey,
    channel,
    uuid,
    message,
    store: kind === 'message' && store !== '0' && store !== 'false',
    ttlHours: intQuery(ctx, 'ttl', 0, 1_000_000),
    meta,
    customType,
  };
}

/** Stores (unless `store=0` or a signal) and fans out a message, signal or file message; answers the publish array. */
export function publish(params: PublishParams, ctx: RouteContext, kind: 'message' | 'signal' | 'file') {
  const { relay } = ctx;
  // Checked before a timetoken is taken: a refused publish stores, sends and changes nothing.
  if (params.store) relay.history.assertRoom(Buffer.byteLength(params.message) + (params.meta === null ? 0 : Buffer.byteLength(params.meta)));
  const tt = relay.clock.next();
  if (params.store) {
    const expiresAt = params.ttlHours !== undefined && params.ttlHours > 0 ? Date.now() + params.ttlHours * 3_600_000 : null;
    relay.messages.insert(
      params.subKey,
      {
        channel: params.channel,
        tt,
        publisher: params.uuid,
        payload: params.message,
        meta: params.meta,
        customType: params.customType,
        messageType: kind === 'file' ? FILE_MESSAGE_TYPE : null,
      },
      expiresAt,
    );
  }
  relay.emit({
    subKey: params.subKey,
    channel: params.channel,
    kind,
    publisher: params.uuid,
    payload: params.message,
    meta: params.meta,
    customType: params.customType,
    tt,
  });
  if (kind === 'message') relay.pushOutbox.published(params.subKey, params.channel, String(tt), params.message);
  return okRaw(`[1,"Sent","${tt}"]`);
}

const spec = (kind: 'message' | 'signal', fromBody: boolean) => ({
  errorShape: 'publishArray' as const,
  parse: (ctx: RouteContext) => parsePublish(ctx, kind, fromBody),
  access: (p: PublishParams) => needs([[p.channel, 'write']]),
  handle: (p: PublishParams, ctx: RouteContext) => publish(p, ctx, kind),
});

export const publishRoutes = [
  route('GET', '/publish/:pub/:sub/0/:channel/0/:message', spec('message', false)),
  route('POST', '/publish/:pub/:sub/0/:channel/0', spec('message', true)),
  route('GET', '/signal/:pub/:sub/0/:channel/0/:message', spec('signal', false)),
];
