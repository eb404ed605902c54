/**
 * PubNub access for broadcast channels (docs/broadcast.md §2.1, DESIGN.md §4 Access Manager): a token
 * for the caller with read on `bcast.<id>` of every channel they may subscribe to and read+write on
 * every channel they own or may publish on. Separate from the conversation token so a client uses it on
 * its broadcast PubNub instance; a user with no broadcast channel gets `token: null`. Access Manager is defence in depth here: confidentiality after a
 * revocation comes from the key rotation, not from PubNub.
 */
import { z } from 'zod';
import { broadcastChannel } from '../../common/channels';
import { publisherRole, subscriberRole } from '../../common/broadcast/roles';
import { ServiceUnavailable } from '../http/httpErrors';
import { defineRoute, type Route } from '../http/route';
import { PubnubNotConfigured } from '../pubnub/gateway';
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
    readWrite: [...writable].sort().map(broadcastChannel),
    read: [...readable].filter((c) => !writable.has(c)).sort().map(broadcastChannel),
  };
}

export function broadcastAccessRoutes(svc: Services, grants: () => RoleGrants): Route[] {
  return [
    defineRoute({
      method: 'POST',
      path: '/v1/broadcast/pubnub-token',
      tag: 'broadcast',
      summary: 'A PubNub Access Manager token for your broadcast channels (read as subscriber, read+write as owner or publisher)',
      auth: 'user',
      response: z.object({ token: z.string().nullable(), ttlMinutes: z.number().int(), userId: z.string(), read: z.array(z.string()), readWrite: z.array(z.string()) }),
      errors: [401, 503],
      handler: async ({ principal }) => {
        const channels = broadcastChannelsOf(grants(), principal.userId);
        if (channels.read.length === 0 && channels.readWrite.length === 0) return { token: null, ttlMinutes: 0, userId: principal.userId, ...channels };
        try {
          const granted = await svc.pubnub.grant(principal.userId, channels);
          return { token: granted.token, ttlMinutes: granted.ttlMinutes, userId: principal.userId, ...channels };
        } catch (err) {
          if (err instanceof PubnubNotConfigured) throw new ServiceUnavailable(err.message);
          throw new ServiceUnavailable('PubNub did not grant a token; try again');
        }
      },
    }),
  ];
}
