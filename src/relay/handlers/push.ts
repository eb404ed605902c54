/**
 * Mobile Push registration (docs/pubnub-wire.md §2, "Mobile Push"; the SDK's `push.*`): enable a device
 * on channels (`add=`), disable it (`remove=`), list its channels, remove the device. FCM devices use
 * `/v1/push/sub-key/{sub}/devices/{token}?type=fcm`; APNs HTTP/2 devices use
 * `/v2/push/sub-key/{sub}/devices-apns2/{token}?type=apns2&topic=…&environment=…`. With Access Manager,
 * enabling or disabling needs `read` on every channel named; listing and removing the device need a valid
 * token and see or remove only the channels that token may read (docs/relay.md, "Mobile Push").
 */
import { BadRequestError } from '../errors';
import { ok } from '../http/reply';
import { route, type RouteContext } from '../http/router';
import { checkChannel } from '../names';
import { LIMITS } from '../options';
import { needs, type Grants } from '../pam/accessManager';
import type { PushDevice } from '../push/registry';
import { intQuery, pathText, subscribeKey } from './params';

const SERVICE = 'Push';
/** Printable, no spaces: FCM tokens use letters, digits, `:` `_` `-`; APNs tokens are hex. */
const TOKEN = /^[A-Za-z0-9:_.=+-]+$/;
const TOPIC = /^[A-Za-z0-9._-]+$/;

interface PushParams {
  readonly subKey: string;
  readonly device: PushDevice;
  readonly add: string[] | undefined;
  readonly remove: string[] | undefined;
}

function bad(message: string): BadRequestError {
  return new BadRequestError('invalid_parameter', message, SERVICE);
}

function deviceOf(ctx: RouteContext, gateway: 'fcm' | 'apns2'): PushDevice {
  const token = pathText(ctx, 'token');
  if (token.length > LIMITS.pushTokenChars || !TOKEN.test(token)) {
    throw bad(`The device token must be 1-${LIMITS.pushTokenChars} letters, digits or : _ . = + -`);
  }
  const q = ctx.incoming.query;
  const type = q.get('type');
  if (type !== gateway) {
    if (type === 'gcm' || type === 'apns' || type === 'mpns') {
      throw new BadRequestError('unsupported_feature', `Push type ${type} is not supported: use fcm, or apns2 on /v2/push`, SERVICE);
    }
    throw bad(gateway === 'fcm' ? 'type must be fcm on /v1/push (apns2 devices use /v2/push)' : 'type must be apns2 on /v2/push');
  }
  if (gateway === 'fcm') return { gateway, token };
  const topic = q.get('topic') ?? '';
  if (topic.length === 0 || topic.length > LIMITS.pushTopicChars || !TOPIC.test(topic)) {
    throw bad(`topic (the app's bundle id) is required: 1-${LIMITS.pushTopicChars} letters, digits, . _ -`);
  }
  const environment = q.get('environment') ?? 'development';
  if (environment !== 'development' && environment !== 'production') throw bad('environment must be development or production');
  return { gateway, token, topic, environment };
}

function channelsQuery(ctx: RouteContext, name: 'add' | 'remove'): string[] | undefined {
  const raw = ctx.incoming.query.get(name);
  if (raw === undefined) return undefined;
  const channels = [...new Set(raw.split(',').filter((c) => c.length > 0))].map((c) => checkChannel(c));
  if (channels.length === 0) throw bad(`${name} names no channel`);
  if (channels.length > LIMITS.pushChannelsPerRequest) throw bad(`At most ${LIMITS.pushChannelsPerRequest} channels in ${name}`);
  return channels;
}

function parse(ctx: RouteContext, gateway: 'fcm' | 'apns2'): PushParams {
  const subKey = subscribeKey(ctx);
  const device = deviceOf(ctx, gateway);
  const add = channelsQuery(ctx, 'add');
  const remove = channelsQuery(ctx, 'remove');
  if (add !== undefined && remove !== undefined) throw bad('Give add or remove, not both');
  return { subKey, device, add, remove };
}

/** List: the device's channels the caller may read, sorted, after `start`, at most `count` (default and cap 1,000). */
function listed(p: PushParams, ctx: RouteContext, grants: Grants): string[] {
  const start = ctx.incoming.query.get('start');
  const count = intQuery(ctx, 'count', 1, 1000) ?? 1000;
  return ctx.relay.push
    .channels(p.subKey, p.device)
    .filter((c) => grants.channel(c, 'read') && (start === undefined || start === '' || c > start))
    .slice(0, count);
}

const manage = (gateway: 'fcm' | 'apns2') => ({
  parse: (ctx: RouteContext) => parse(ctx, gateway),
  access: (p: PushParams) => needs([...(p.add ?? p.remove ?? [])].map((c) => [c, 'read'] as const)),
  handle: (p: PushParams, ctx: RouteContext, grants: Grants) => {
    const { push } = ctx.relay;
    if (p.add !== undefined) push.add(p.subKey, p.device, p.add);
    else if (p.remove !== undefined) push.remove(p.subKey, p.device, p.remove);
    else return ok(listed(p, ctx, grants));
    return ok([1, 'Modified Channels']);
  },
});

const removeDevice = (gateway: 'fcm' | 'apns2') => ({
  parse: (ctx: RouteContext) => ({ subKey: subscribeKey(ctx), device: deviceOf(ctx, gateway) }),
  access: () => needs([]),
  handle: (p: { subKey: string; device: PushDevice }, ctx: RouteContext, grants: Grants) => {
    const { push } = ctx.relay;
    push.remove(
      p.subKey,
      p.device,
      push.channels(p.subKey, p.device).filter((c) => grants.channel(c, 'read')),
    );
    return ok([1, 'Removed Device']);
  },
});

export const pushRoutes = [
  route('GET', '/v1/push/sub-key/:sub/devices/:token', manage('fcm')),
  route('GET', '/v1/push/sub-key/:sub/devices/:token/remove', removeDevice('fcm')),
  route('GET', '/v2/push/sub-key/:sub/devices-apns2/:token', manage('apns2')),
  route('GET', '/v2/push/sub-key/:sub/devices-apns2/:token/remove', removeDevice('apns2')),
];
