/**
 * Channel groups (`/v1/channel-registration`, used by the SDK's `channelGroups.*`): add or remove channels with
 * `add=` / `remove=` (comma-separated), list a group's channels, list all groups, delete a group. Changes take
 * effect for held subscribe requests at once. The list of all groups names only the groups the caller's token
 * may read or manage (docs/relay.md, "Access Manager").
 */
import { BadRequestError } from '../errors';
import { ok } from '../http/reply';
import { route, type RouteContext } from '../http/router';
import { checkChannel, checkGroup } from '../names';
import { LIMITS } from '../options';
import { needs } from '../pam/accessManager';
import { pathText, subscribeKey } from './params';

const SERVICE = 'channel-registry';
const OK = { status: 200, message: 'OK', service: SERVICE, error: false };

function channelsQuery(ctx: RouteContext, name: 'add' | 'remove'): string[] | undefined {
  const raw = ctx.incoming.query.get(name);
  if (raw === undefined) return undefined;
  const channels = [...new Set(raw.split(',').filter((c) => c.length > 0))].map((c) => checkChannel(c));
  if (channels.length === 0) throw new BadRequestError('invalid_parameter', `${name} names no channel`, SERVICE);
  if (channels.length > LIMITS.channelsPerGroup) throw new BadRequestError('invalid_parameter', `Too many channels in ${name}`, SERVICE);
  return channels;
}

function parseGroup(ctx: RouteContext) {
  const add = channelsQuery(ctx, 'add');
  const remove = channelsQuery(ctx, 'remove');
  if (add !== undefined && remove !== undefined) {
    throw new BadRequestError('invalid_parameter', 'Give add or remove, not both', SERVICE);
  }
  return { subKey: subscribeKey(ctx), group: checkGroup(pathText(ctx, 'group')), add, remove };
}

export const channelGroupRoutes = [
  route('GET', '/v1/channel-registration/sub-key/:sub/channel-group/:group', {
    parse: parseGroup,
    access: (p) => needs([], [[p.group, 'manage']]),
    handle: (p, ctx) => {
      const { groups } = ctx.relay;
      if (p.add !== undefined) groups.add(p.subKey, p.group, p.add);
      else if (p.remove !== undefined) groups.remove(p.subKey, p.group, p.remove);
      else return ok({ ...OK, payload: { channels: groups.channels(p.subKey, p.group), group: p.group } });
      return ok(OK);
    },
  }),
  route('GET', '/v1/channel-registration/sub-key/:sub/channel-group/:group/remove', {
    parse: (ctx) => ({ subKey: subscribeKey(ctx), group: checkGroup(pathText(ctx, 'group')) }),
    access: (p) => needs([], [[p.group, 'manage']]),
    handle: (p, ctx) => {
      ctx.relay.groups.deleteGroup(p.subKey, p.group);
      return ok(OK);
    },
  }),
  route('GET', '/v1/channel-registration/sub-key/:sub/channel-group', {
    parse: (ctx) => ({ subKey: subscribeKey(ctx) }),
    access: () => needs([]),
    handle: (p, ctx, grants) => {
      const groups = ctx.relay.groups.list(p.subKey).filter((g) => grants.group(g, 'read') || grants.group(g, 'manage'));
      return ok({ ...OK, payload: { groups, sub_key: p.subKey } });
    },
  }),
];
