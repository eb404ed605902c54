/**
 * Message Persistence reads and deletes (docs/pubnub-wire.md §2 and §2.2): fetch v3 over several channels,
 * history-with-actions for one channel (with `more`), message counts (exclusive timetoken, capped at 10,000) and
 * delete (`start` exclusive, `end` inclusive, either order). Stored payloads and meta are spliced into the answer
 * as the JSON text they were published as, so numbers keep their precision.
 */
import { BadRequestError } from '../errors';
import { pubnubEncode } from '../http/percentEncoding';
import { ok, okRaw } from '../http/reply';
import { route, type RouteContext } from '../http/router';
import { LIMITS } from '../options';
import { needs } from '../pam/accessManager';
import type { MessageAction } from '../store/actions';
import { inDeleteRange, type StoredMessage } from '../store/messages';
import { parseTimetoken, type Timetoken } from '../timetoken';
import { channelList, flagQuery, intQuery, oneChannel, subscribeKey } from './params';

interface Include {
  readonly uuid: boolean;
  readonly messageType: boolean;
  readonly meta: boolean;
  readonly customType: boolean;
}

interface FetchParams {
  readonly subKey: string;
  readonly channels: readonly string[];
  readonly start: Timetoken | undefined;
  readonly end: Timetoken | undefined;
  readonly max: number;
  readonly include: Include;
}

function parseFetch(ctx: RouteContext, withActions: boolean): FetchParams {
  const subKey = subscribeKey(ctx);
  const channels = withActions ? [oneChannel(ctx, 'channels')] : channelList(ctx, 'channels', LIMITS.fetchChannels);
  if (channels.length === 0) throw new BadRequestError('invalid_parameter', 'Name at least one channel');
  const cap = channels.length > 1 || withActions ? LIMITS.fetchMultiple : LIMITS.fetchSingle;
  const q = ctx.incoming.query;
  return {
    subKey,
    channels,
    start: parseTimetoken(q.get('start'), 'start'),
    end: parseTimetoken(q.get('end'), 'end'),
    max: Math.min(intQuery(ctx, 'max', 1, 1_000_000) ?? cap, cap),
    include: {
      uuid: flagQuery(ctx, 'include_uuid'),
      messageType: flagQuery(ctx, 'include_message_type'),
      meta: flagQuery(ctx, 'include_meta'),
      customType: flagQuery(ctx, 'include_custom_message_type'),
    },
  };
}

function actionsJson(actions: readonly MessageAction[]): string {
  const byType: Record<string, Record<string, { uuid: string; actionTimetoken: string }[]>> = {};
  for (const a of actions) {
    const values = (byType[a.type] ??= {});
    (values[a.value] ??= []).push({ uuid: a.uuid, actionTimetoken: String(a.actionTimetoken) });
  }
  return JSON.stringify(byType);
}

function itemJson(m: StoredMessage, include: Include, actions: readonly MessageAction[] | undefined): string {
  let json = `{"message":${m.payload},"timetoken":"${m.tt}"`;
  if (include.uuid) json += `,"uuid":${JSON.stringify(m.publisher)}`;
  if (include.messageType) json += `,"message_type":${m.messageType === null ? 'null' : m.messageType}`;
  if (include.meta && m.meta !== null) json += `,"meta":${m.meta}`;
  if (include.customType && m.customType !== null) json += `,"custom_message_type":${JSON.stringify(m.customType)}`;
  if (actions !== undefined) json += `,"actions":${actionsJson(actions)}`;
  return `${json}}`;
}

function fetch(p: FetchParams, ctx: RouteContext, withActions: boolean) {
  const { messages, actions } = ctx.relay;
  const now = Date.now();
  const parts: string[] = [];
  let more = '';
  for (const channel of p.channels) {
    const page = messages.page(p.subKey, channel, { start: p.start, end: p.end, max: p.max }, now);
    if (page.messages.length === 0) continue;
    const first = page.messages[0] as StoredMessage;
    const last = page.messages[page.messages.length - 1] as StoredMessage;
    const byMessage = withActions ? actions.forMessages(p.subKey, channel, first.tt, last.tt) : undefined;
    const items = page.messages.map((m) => itemJson(m, p.include, byMessage === undefined ? undefined : (byMessage.get(m.tt) ?? [])));
    parts.push(`${JSON.stringify(channel)}:[${items.join(',')}]`);
    if (withActions && page.more) {
      const forward = p.end !== undefined && p.start === undefined;
      const next = forward ? `end=${last.tt + 1n}` : `start=${first.tt}${p.end !== undefined ? `&end=${p.end}` : ''}`;
      const url = `/v3/history-with-actions/sub-key/${pubnubEncode(p.subKey)}/channel/${pubnubEncode(channel)}?max=${p.max}&${next}`;
      more = `,"more":${JSON.stringify({ url, start: String(forward ? last.tt + 1n : first.tt), max: p.max })}`;
    }
  }
  return okRaw(`{"status":200,"error":false,"error_message":"","channels":{${parts.join(',')}}${more}}`);
}

function parseCounts(ctx: RouteContext) {
  const subKey = subscribeKey(ctx);
  const channels = channelList(ctx, 'channels', LIMITS.countChannels);
  const q = ctx.incoming.query;
  const single = parseTimetoken(q.get('timetoken'), 'timetoken');
  const list = (q.get('channelsTimetoken') ?? '').split(',').filter((s) => s.length > 0);
  if ((single === undefined) === (list.length === 0)) {
    throw new BadRequestError('invalid_parameter', 'Give either timetoken or channelsTimetoken');
  }
  if (list.length > 1 && list.length !== channels.length) {
    throw new BadRequestError('invalid_parameter', 'channelsTimetoken needs one timetoken per channel');
  }
  const tts = list.map((tt) => parseTimetoken(tt, 'channelsTimetoken') ?? 0n);
  const after = (i: number): Timetoken => single ?? tts[list.length === 1 ? 0 : i] ?? 0n;
  return { subKey, channels, after };
}

function parseDelete(ctx: RouteContext) {
  const q = ctx.incoming.query;
  return {
    subKey: subscribeKey(ctx),
    channel: oneChannel(ctx, 'channels'),
    start: parseTimetoken(q.get('start'), 'start'),
    end: parseTimetoken(q.get('end'), 'end'),
  };
}

export const historyRoutes = [
  route('GET', '/v3/history/sub-key/:sub/channel/:channels', {
    parse: (ctx) => parseFetch(ctx, false),
    access: (p) => needs(p.channels.map((c) => [c, 'read'] as const)),
    handle: (p, ctx) => fetch(p, ctx, false),
  }),
  route('GET', '/v3/history-with-actions/sub-key/:sub/channel/:channels', {
    parse: (ctx) => parseFetch(ctx, true),
    access: (p) => needs(p.channels.map((c) => [c, 'read'] as const)),
    handle: (p, ctx) => fetch(p, ctx, true),
  }),
  route('GET', '/v3/history/sub-key/:sub/message-counts/:channels', {
    parse: parseCounts,
    access: (p) => needs(p.channels.map((c) => [c, 'read'] as const)),
    handle: (p, ctx) => {
      const now = Date.now();
      const counts = Object.fromEntries(p.channels.map((ch, i) => [ch, ctx.relay.messages.count(p.subKey, ch, p.after(i), LIMITS.messageCountCap, now)]));
      return ok({ status: 200, error: false, error_message: '', channels: counts, more: {} });
    },
  }),
  route('DELETE', '/v3/history/sub-key/:sub/channel/:channels', {
    parse: parseDelete,
    access: (p) => needs([[p.channel, 'delete']]),
    handle: (p, ctx) => {
      ctx.relay.messages.deleteRange(p.subKey, p.channel, p.start, p.end);
      ctx.relay.hub.forget(p.subKey, p.channel, (tt) => inDeleteRange(tt, p.start, p.end));
      return ok({ status: 200, error: false, error_message: '' });
    },
  }),
];
