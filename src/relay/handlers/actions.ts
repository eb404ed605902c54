/**
 * Message actions (docs/pubnub-wire.md §2 `/v1/message-actions`; reactions and read receipts): add (POST body
 * `{type, value}`), page, and remove; each change is also delivered to subscribers as an `e: 3` event with
 * `d = {source: "actions", version: "1.0", event: "added"|"removed", data}` (§3).
 */
import { z } from 'zod';
import { BadRequestError, NotFoundError } from '../errors';
import { pubnubEncode } from '../http/percentEncoding';
import { ok } from '../http/reply';
import { route, type RouteContext } from '../http/router';
import { LIMITS } from '../options';
import { needs } from '../pam/accessManager';
import type { MessageAction } from '../store/actions';
import { parseTimetoken, requireTimetoken } from '../timetoken';
import { callerUuid, intQuery, oneChannel, parseJson, pathText, subscribeKey } from './params';

const actionBody = z.object({
  type: z.string().min(1).max(15),
  value: z.string().min(1).max(1024),
});

function actionJson(a: MessageAction) {
  return {
    type: a.type,
    value: a.value,
    uuid: a.uuid,
    actionTimetoken: String(a.actionTimetoken),
    messageTimetoken: String(a.messageTimetoken),
  };
}

function announce(ctx: RouteContext, subKey: string, channel: string, a: MessageAction, event: 'added' | 'removed') {
  const data = { type: a.type, value: a.value, messageTimetoken: String(a.messageTimetoken), actionTimetoken: String(a.actionTimetoken) };
  ctx.relay.emit({
    subKey,
    channel,
    kind: 'action',
    publisher: a.uuid,
    payload: JSON.stringify({ source: 'actions', version: '1.0', event, data }),
  });
}

async function parseAdd(ctx: RouteContext) {
  const subKey = subscribeKey(ctx);
  const channel = oneChannel(ctx);
  const messageTimetoken = requireTimetoken(pathText(ctx, 'message'), 'message timetoken');
  const uuid = callerUuid(ctx);
  const body = actionBody.safeParse(parseJson((await ctx.incoming.body()).toString('utf8'), 'message action'));
  if (!body.success) {
    throw new BadRequestError('invalid_parameter', 'A message action needs a type (1-15 characters) and a value (1-1024)', 'Message Actions');
  }
  return { subKey, channel, messageTimetoken, uuid, ...body.data };
}

export const actionRoutes = [
  route('POST', '/v1/message-actions/:sub/channel/:channel/message/:message', {
    parse: parseAdd,
    access: (p) => needs([[p.channel, 'write']]),
    handle: (p, ctx) => {
      ctx.relay.history.assertRoom(Buffer.byteLength(p.type) + Buffer.byteLength(p.value));
      const action: MessageAction = {
        type: p.type,
        value: p.value,
        uuid: p.uuid,
        messageTimetoken: p.messageTimetoken,
        actionTimetoken: ctx.relay.clock.next(),
      };
      ctx.relay.actions.add(p.subKey, p.channel, action);
      announce(ctx, p.subKey, p.channel, action, 'added');
      return ok({ status: 200, data: actionJson(action) });
    },
  }),
  route('GET', '/v1/message-actions/:sub/channel/:channel', {
    parse: (ctx) => ({
      subKey: subscribeKey(ctx),
      channel: oneChannel(ctx),
      start: parseTimetoken(ctx.incoming.query.get('start'), 'start'),
      end: parseTimetoken(ctx.incoming.query.get('end'), 'end'),
      limit: Math.min(intQuery(ctx, 'limit', 1, 1_000_000) ?? LIMITS.actionsPage, LIMITS.actionsPage),
    }),
    access: (p) => needs([[p.channel, 'read']]),
    handle: (p, ctx) => {
      const page = ctx.relay.actions.page(p.subKey, p.channel, p);
      const oldest = page.actions[0];
      const more =
        page.more && oldest !== undefined
          ? {
              more: {
                url: `/v1/message-actions/${pubnubEncode(p.subKey)}/channel/${pubnubEncode(p.channel)}?start=${oldest.actionTimetoken}&limit=${p.limit}`,
                start: String(oldest.actionTimetoken),
                ...(p.end !== undefined ? { end: String(p.end) } : {}),
                limit: p.limit,
              },
            }
          : {};
      return ok({ status: 200, data: page.actions.map(actionJson), ...more });
    },
  }),
  route('DELETE', '/v1/message-actions/:sub/channel/:channel/message/:message/action/:action', {
    parse: (ctx) => ({
      subKey: subscribeKey(ctx),
      channel: oneChannel(ctx),
      messageTimetoken: requireTimetoken(pathText(ctx, 'message'), 'message timetoken'),
      actionTimetoken: requireTimetoken(pathText(ctx, 'action'), 'action timetoken'),
      uuid: callerUuid(ctx),
    }),
    access: (p) => needs([[p.channel, 'delete']]),
    handle: (p, ctx) => {
      const removed = ctx.relay.actions.remove(p.subKey, p.channel, p.messageTimetoken, p.actionTimetoken);
      if (removed === undefined) throw new NotFoundError('not_found', 'Message action not found');
      announce(ctx, p.subKey, p.channel, removed, 'removed');
      return ok({ status: 200, data: {} });
    },
  }),
];
