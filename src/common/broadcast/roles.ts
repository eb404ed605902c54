/**
 * Role names of broadcast claims (docs/broadcast.md §2): `channel-creator` lets a user create channels;
 * `subscriber:<channelId>` and `publisher:<channelId>` are the per-channel roles that the default
 * descriptor rules ask for.
 */
import type { ChannelId } from '../ids';

export const CHANNEL_CREATOR_ROLE = 'channel-creator';

export function subscriberRole(channelId: ChannelId | string): string {
  return `subscriber:${channelId}`;
}

export function publisherRole(channelId: ChannelId | string): string {
  return `publisher:${channelId}`;
}
