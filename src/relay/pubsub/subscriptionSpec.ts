/**
 * What one subscribe request listens to (docs/pubnub-wire.md §3): concrete channels and their `-pnpres` twins,
 * wildcards (`a.*`, `a.*-pnpres`) and channel groups (`g`, `g-pnpres`). `matchOf` answers which requested
 * name an event's channel matched — the envelope's `b` — or `undefined` when it matches none.
 */
import { isPresenceName, isWildcard, PRESENCE_SUFFIX, stripPresence } from '../names';

export interface SubscriptionSpec {
  readonly subKey: string;
  readonly channels: ReadonlySet<string>;
  readonly wildcards: readonly string[];
  readonly groups: readonly string[];
}

export function makeSpec(subKey: string, names: readonly string[], groups: readonly string[]): SubscriptionSpec {
  return {
    subKey,
    channels: new Set(names.filter((n) => !isWildcard(n))),
    wildcards: names.filter(isWildcard),
    groups: [...new Set(groups)],
  };
}

/** `a.*` matches `a.b`; `a.*-pnpres` matches `a.b-pnpres`. */
export function wildcardMatches(wildcard: string, channel: string): boolean {
  if (isPresenceName(wildcard) !== isPresenceName(channel)) return false;
  const prefix = stripPresence(wildcard).slice(0, -1);
  const base = stripPresence(channel);
  return base.length > prefix.length && base.startsWith(prefix);
}

/** The group name a subscriber uses for `channel` given the groups holding its base channel. */
export function groupMatch(group: string, channel: string, groupsOfBase: ReadonlySet<string>): boolean {
  if (isPresenceName(group) !== isPresenceName(channel)) return false;
  return groupsOfBase.has(stripPresence(group));
}

export function matchOf(spec: SubscriptionSpec, channel: string, groupsOfBase: (base: string) => ReadonlySet<string>): string | undefined {
  if (spec.channels.has(channel)) return channel;
  for (const wildcard of spec.wildcards) if (wildcardMatches(wildcard, channel)) return wildcard;
  if (spec.groups.length > 0) {
    const holding = groupsOfBase(stripPresence(channel));
    for (const group of spec.groups) if (groupMatch(group, channel, holding)) return group;
  }
  return undefined;
}

/** The concrete channels a group subscription covers right now. */
export function groupChannels(group: string, channelsOf: (group: string) => readonly string[]): string[] {
  const presence = isPresenceName(group);
  return channelsOf(stripPresence(group)).map((ch) => (presence ? `${ch}${PRESENCE_SUFFIX}` : ch));
}
