/**
 * PubNub access for broadcast channels (docs/broadcast.md §2.1, docs/api.md "PubNub"): a token
 * for the caller with read on `bcast.<id>` of every channel they may subscribe to and read+write on
 * every channel they own or may publish on. Separate from the conversation token so a client uses it on
 * its broadcast PubNub instance; a user with no broadcast channel gets `token: null`. Access Manager is defence in depth here: confidentiality after a
 * revocation comes from the key rotation, not from PubNub.
 */
import { keyServiceRoutes as api } from '../../common/api/keyService';
import { broadcastPubnubChannel } from '../../common/pubnubChannels';
import { publisherRole, subscriberRole } from '../../common/broadcast/roles';
import { grantToken } from '../api/pubnubGrant';
import { implement, type Route } from '../http/route';
import type { Services } from '../services';
import type { RoleGrants } from './roleGrants';

/** The broadcast channels a user may read, and those they may also write. */
export function broadcastChannelsOf(grants: RoleGrants, userId: string): { read: string[]; readWrite: string[] } {
  const writable = new Set(grants.ownedBy(userId));
  const readable = new Set<string>();
  for (const g of grants.grantsOf(userId)) {
    if (g.role === publisherRole(g.channelId)) writable.add(g.channelId);
    if (g.role === subscriberRole(g.channelId)) readable.add(g.channelId);
  }
  return {
    readWrite: [...writable].sort().map(broadcastPubnubChannel),
    read: [...readable]
      .filter((c) => !writable.has(c))
      .sort()
      .map(broadcastPubnubChannel),
  };
}

export function broadcastAccessRoutes(svc: Services, grants: () => RoleGrants): Route[] {
  return [
    implement(api, 'getBroadcastPubnubToken', {
      handler: async ({ principal }) => {
        const channels = broadcastChannelsOf(grants(), principal.userId);
        if (channels.read.length === 0 && channels.readWrite.length === 0) return { token: null, ttlMinutes: 0, userId: principal.userId, ...channels };
        const granted = await grantToken(svc, principal.userId, channels);
        return { token: granted.token, ttlMinutes: granted.ttlMinutes, userId: principal.userId, ...channels };
      },
    }),
  ];
}
