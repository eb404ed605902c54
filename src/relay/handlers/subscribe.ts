/**
 * Subscribe v2 (docs/pubnub-wire.md §3): `GET /v2/subscribe/{sub}/{channels}/0` for both SDK loops. Without a
 * cursor (`tt` absent or 0: the event-engine handshake or the legacy first call) it answers at once with the
 * present timetoken; with one it answers with the events after it, holding the request while there are none.
 * The subscriber counts as present on its channels while the request is open (`heartbeat` sets the timeout).
 * Held requests are capped per token and in all (docs/relay.md, "Limits").
 * Answer: `{"t":{"t":"<tt>","r":1},"m":[envelope...]}` — region is always 1 (a falsy region breaks the SDK).
 */
import { BadRequestError } from '../errors';
import { okRaw } from '../http/reply';
import { decodeNameList } from '../http/percentEncoding';
import { route, type RouteContext } from '../http/router';
import { checkSubscribeName, isPresenceName, isWildcard } from '../names';
import { LIMITS } from '../options';
import { needs, type Grants } from '../pam/accessManager';
import { envelopeJson } from '../pubsub/event';
import type { PollResult } from '../pubsub/longPoll';
import { makeSpec, groupChannels, type SubscriptionSpec } from '../pubsub/subscriptionSpec';
import type { Member } from '../presence/registry';
import { parseTimetoken, type Timetoken } from '../timetoken';
import { callerUuid, groupList, intQuery, isPlainObject, parseJson, subscribeKey } from './params';

interface SubscribeParams {
  readonly spec: SubscriptionSpec;
  readonly names: readonly string[];
  readonly uuid: string;
  readonly cursor: Timetoken | undefined;
  readonly heartbeat: number | undefined;
  readonly state: Record<string, unknown> | undefined;
}

function parse(ctx: RouteContext): SubscribeParams {
  const subKey = subscribeKey(ctx);
  const names = [...new Set(decodeNameList(ctx.params.channels ?? '', 'channel list'))].map(checkSubscribeName);
  const groups = groupList(ctx, true);
  if (names.length === 0 && groups.length === 0) {
    throw new BadRequestError('invalid_parameter', 'Subscribe needs at least one channel or channel group');
  }
  if (names.length + groups.length > LIMITS.subscribeNames) {
    throw new BadRequestError('invalid_parameter', `At most ${LIMITS.subscribeNames} channels and groups per subscribe`);
  }
  if ((ctx.incoming.query.get('filter-expr') ?? '') !== '') {
    throw new BadRequestError('unsupported_feature', 'The relay does not implement subscribe filter expressions');
  }
  const stateText = ctx.incoming.query.get('state');
  const state = stateText === undefined || stateText === '' ? undefined : parseJson(stateText, 'state');
  if (state !== undefined && !isPlainObject(state)) throw new BadRequestError('invalid_json', 'state must be a JSON object');
  const heartbeat = intQuery(ctx, 'heartbeat', 0, 100_000);
  return {
    spec: makeSpec(subKey, names, groups),
    names,
    uuid: callerUuid(ctx),
    cursor: parseTimetoken(ctx.incoming.query.get('tt'), 'tt'),
    heartbeat: heartbeat === undefined || heartbeat === 0 ? undefined : Math.min(heartbeat, LIMITS.presenceTimeoutMax),
    state,
  };
}

/** The concrete (non-presence) channels this subscriber becomes present on. */
function presenceChannels(p: SubscribeParams, ctx: RouteContext): string[] {
  const direct = [...p.spec.channels].filter((ch) => !isPresenceName(ch) && !isWildcard(ch));
  const viaGroups = p.spec.groups.filter((g) => !isPresenceName(g)).flatMap((g) => groupChannels(g, (name) => ctx.relay.groups.channels(p.spec.subKey, name)));
  return [...new Set([...direct, ...viaGroups])];
}

function answer(result: PollResult): string {
  const envelopes = result.events.map(({ event, match }) => envelopeJson(event, match));
  return `{"t":{"t":"${result.cursor}","r":1},"m":[${envelopes.join(',')}]}`;
}

/** Who a held request counts against (docs/relay.md, "Limits"): the token, else the uuid; server requests: none. */
function holder(p: SubscribeParams, grants: Grants): string | undefined {
  if (grants.server) return undefined;
  return grants.tokenId === undefined ? `uuid\n${p.uuid}` : `token\n${grants.tokenId}`;
}

async function handle(p: SubscribeParams, ctx: RouteContext, grants: Grants) {
  const { relay } = ctx;
  const holds = p.cursor !== undefined && p.cursor !== 0n;
  // Taken before presence is touched: a refused request changes nothing.
  const release = holds ? relay.pollSlots.take(holder(p, grants)) : undefined;
  try {
    return await answerSubscribe(p, ctx);
  } finally {
    release?.();
  }
}

async function answerSubscribe(p: SubscribeParams, ctx: RouteContext) {
  const { relay } = ctx;
  const subKey = p.spec.subKey;
  const handshakeCursor = relay.clock.current();
  const now = Date.now();
  const channels = presenceChannels(p, ctx);
  const members: Member[] = channels.map((ch) => relay.presence.touch(subKey, ch, p.uuid, p.heartbeat, now));
  for (const [channel, value] of Object.entries(p.state ?? {})) {
    if (channels.includes(channel)) relay.presence.setState(subKey, channel, p.uuid, value, now);
  }
  if (p.cursor === undefined || p.cursor === 0n) return okRaw(answer({ events: [], cursor: handshakeCursor }));
  members.forEach((m) => relay.presence.hold(m));
  try {
    const result = await relay.hub.polls.wait(p.spec, p.cursor, relay.config.longPollMs, ctx.incoming.closed);
    return okRaw(answer(result));
  } finally {
    const end = Date.now();
    members.forEach((m) => relay.presence.release(m, end));
  }
}

export const subscribeRoutes = [
  route('GET', '/v2/subscribe/:sub/:channels/0', {
    parse,
    access: (p: SubscribeParams) =>
      needs(
        p.names.map((n) => [n, 'read'] as const),
        p.spec.groups.map((g) => [g, 'read'] as const),
      ),
    handle,
  }),
];
