/**
 * Presence REST calls (docs/pubnub-wire.md §2 and §2.1): heartbeat, leave, here_now (one channel: the flat
 * `uuids`/`occupancy` shape; several, groups or global: the `payload.channels` shape), where_now, and get/set
 * state. Channel lists may be `,` when only groups are named. Global here_now and where_now need no particular
 * resource, so they answer only the channels the caller's token may read (docs/relay.md, "Access Manager"):
 * who is online where is the social graph, and a token for one's own conversations must not reveal it.
 */
import { BadRequestError } from '../errors';
import { decodeNameList } from '../http/percentEncoding';
import { ok } from '../http/reply';
import { route, type RouteContext } from '../http/router';
import { checkChannel, checkUuid, isPresenceName } from '../names';
import { LIMITS } from '../options';
import { needs, type Grants } from '../pam/accessManager';
import { callerUuid, flagQuery, groupList, intQuery, isPlainObject, parseJson, pathText, subscribeKey } from './params';

const OK = { status: 200, message: 'OK', service: 'Presence' };

interface Target {
  readonly subKey: string;
  readonly uuid: string;
  readonly channels: readonly string[];
  readonly groups: readonly string[];
  /** Channels named directly plus those of the groups. */
  readonly all: readonly string[];
}

function target(ctx: RouteContext, requireSome: boolean): Target {
  const subKey = subscribeKey(ctx);
  // Presence twins (`-pnpres`) are accepted and ignored: some SDK configurations leave them in leave requests.
  const channels = [...new Set(decodeNameList(ctx.params.channels ?? '', 'channel list'))].map((c) => checkChannel(c, true)).filter((c) => !isPresenceName(c));
  const groups = groupList(ctx, true).filter((g) => !isPresenceName(g));
  if (requireSome && channels.length === 0 && groups.length === 0) {
    throw new BadRequestError('invalid_parameter', 'Name at least one channel or channel group');
  }
  if (channels.length + groups.length > LIMITS.subscribeNames) {
    throw new BadRequestError('invalid_parameter', `At most ${LIMITS.subscribeNames} channels and groups`);
  }
  const viaGroups = groups.flatMap((g) => ctx.relay.groups.channels(subKey, g));
  return { subKey, uuid: callerUuid(ctx), channels, groups, all: [...new Set([...channels, ...viaGroups])] };
}

const readAll = (t: Target) =>
  needs(
    t.channels.map((c) => [c, 'read'] as const),
    t.groups.map((g) => [g, 'read'] as const),
  );

function stateQuery(ctx: RouteContext, required: boolean): Record<string, unknown> | undefined {
  const text = ctx.incoming.query.get('state');
  if (text === undefined || text === '') {
    if (required) throw new BadRequestError('invalid_parameter', 'state is required');
    return undefined;
  }
  if (text.length > LIMITS.publishBytes) throw new BadRequestError('invalid_parameter', 'state is too large');
  const state = parseJson(text, 'state');
  if (!isPlainObject(state)) throw new BadRequestError('invalid_json', 'state must be a JSON object');
  return state;
}

function hereNowBody(ctx: RouteContext, t: Target, global: boolean, grants: Grants): unknown {
  const { presence } = ctx.relay;
  const withUuids = ctx.incoming.query.get('disable_uuids') !== '1';
  const withState = flagQuery(ctx, 'state');
  const limit = intQuery(ctx, 'limit', 0, 1000) ?? 1000;
  const offset = intQuery(ctx, 'offset', 0, 1_000_000) ?? 0;
  const describe = (channel: string) => {
    const members = presence.hereNow(t.subKey, channel);
    const uuids = members.slice(offset, offset + limit).map((m) => (withState && m.state !== undefined ? { uuid: m.uuid, state: m.state } : m.uuid));
    return { occupancy: members.length, ...(withUuids ? { uuids } : {}) };
  };
  if (!global && t.channels.length === 1 && t.groups.length === 0) {
    const only = describe(t.channels[0] as string);
    return { ...OK, ...only };
  }
  const names = global ? presence.occupiedChannels(t.subKey).filter((ch) => grants.channel(ch, 'read')) : t.all;
  const channels: Record<string, unknown> = {};
  let total = 0;
  for (const name of names) {
    const entry = describe(name);
    total += entry.occupancy;
    if (global && entry.occupancy === 0) continue;
    channels[name] = entry;
  }
  return { ...OK, payload: { total_channels: Object.keys(channels).length, total_occupancy: total, channels } };
}

export const presenceRoutes = [
  route('GET', '/v2/presence/sub-key/:sub/channel/:channels/heartbeat', {
    parse: (ctx) => ({
      t: target(ctx, true),
      timeout: Math.min(intQuery(ctx, 'heartbeat', 0, 100_000) || LIMITS.presenceTimeoutDefault, LIMITS.presenceTimeoutMax),
      state: stateQuery(ctx, false),
    }),
    access: (p) => readAll(p.t),
    handle: ({ t, timeout, state }, ctx) => {
      const now = Date.now();
      for (const channel of t.all) ctx.relay.presence.touch(t.subKey, channel, t.uuid, timeout, now);
      for (const [channel, value] of Object.entries(state ?? {})) {
        if (t.all.includes(channel)) ctx.relay.presence.setState(t.subKey, channel, t.uuid, value, now);
      }
      return ok(OK);
    },
  }),
  route('GET', '/v2/presence/sub-key/:sub/channel/:channels/leave', {
    parse: (ctx) => target(ctx, true),
    access: readAll,
    handle: (t, ctx) => {
      for (const channel of t.all) ctx.relay.presence.leave(t.subKey, channel, t.uuid);
      return ok({ ...OK, action: 'leave' });
    },
  }),
  route('GET', '/v2/presence/sub-key/:sub/channel/:channels', {
    parse: (ctx) => target(ctx, true),
    access: readAll,
    handle: (t, ctx, grants) => ok(hereNowBody(ctx, t, false, grants)),
  }),
  route('GET', '/v2/presence/sub-key/:sub', {
    parse: (ctx) => target(ctx, false),
    access: () => needs([]),
    handle: (t, ctx, grants) => ok(hereNowBody(ctx, t, true, grants)),
  }),
  route('GET', '/v2/presence/sub-key/:sub/uuid/:uuid', {
    parse: (ctx) => ({ subKey: subscribeKey(ctx), uuid: checkUuid(pathText(ctx, 'uuid')) }),
    access: () => needs([]),
    // Filtered for every uuid, the caller's own too: a token not bound to a uuid can name any uuid as its own.
    handle: (p, ctx, grants) =>
      ok({ ...OK, payload: { channels: ctx.relay.presence.channelsOf(p.subKey, p.uuid).filter((ch) => grants.channel(ch, 'read')) } }),
  }),
  route('GET', '/v2/presence/sub-key/:sub/channel/:channels/uuid/:uuid', {
    parse: (ctx) => ({ t: target(ctx, true), of: checkUuid(pathText(ctx, 'uuid')) }),
    access: (p) => readAll(p.t),
    handle: ({ t, of }, ctx) => {
      const stateOf = (ch: string) => ctx.relay.presence.stateOf(t.subKey, ch, of) ?? {};
      if (t.channels.length === 1 && t.groups.length === 0) return ok({ ...OK, payload: stateOf(t.channels[0] as string) });
      return ok({ ...OK, payload: Object.fromEntries(t.all.map((ch) => [ch, stateOf(ch)])) });
    },
  }),
  route('GET', '/v2/presence/sub-key/:sub/channel/:channels/uuid/:uuid/data', {
    parse: (ctx) => {
      const t = target(ctx, true);
      const of = checkUuid(pathText(ctx, 'uuid'));
      if (of !== t.uuid) throw new BadRequestError('invalid_parameter', 'State can only be set for the caller uuid');
      return { t, state: stateQuery(ctx, true) ?? {} };
    },
    access: (p) => readAll(p.t),
    handle: ({ t, state }, ctx) => {
      const now = Date.now();
      for (const channel of t.all) ctx.relay.presence.setState(t.subKey, channel, t.uuid, state, now);
      return ok({ ...OK, payload: state });
    },
  }),
];
