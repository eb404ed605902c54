/**
 * PubNub access endpoint (docs/api.md "PubNub"): a token for exactly the caller's channels and inbox —
 * read+write on `conv.<id>` of every conversation the caller belongs to, read on their
 * own `inbox.<userId>`. Membership changes revoke the old tokens and tell the user to fetch a new one.
 */
import { keyServiceRoutes as api } from '../../common/api/keyService';
import { conversationPubnubChannel, inboxPubnubChannel } from '../../common/pubnubChannels';
import { ServiceUnavailable } from '../http/httpErrors';
import { implement, type Route } from '../http/route';
import { PubnubNotConfigured } from '../pubnub/gateway';
import type { Services } from '../services';
import { conversationsOfUser } from '../store/conversations';
import { insertPubnubToken } from '../store/pubnubTokens';

export function pubnubRoutes(svc: Services): Route[] {
  const channelsOf = async (userId: string) => (await conversationsOfUser(svc.db, userId)).map((c) => conversationPubnubChannel(c.id));
  const grant = async (userId: string, readWrite: string[], read: string[]) => {
    try {
      return await svc.pubnub.grant(userId, { readWrite, read });
    } catch (err) {
      if (err instanceof PubnubNotConfigured) throw new ServiceUnavailable(err.message);
      throw new ServiceUnavailable('PubNub did not grant a token; try again');
    }
  };
  return [
    implement(api, 'getPubnubToken', {
      handler: async ({ principal }) => {
        for (let attempt = 0; ; attempt++) {
          const readWrite = await channelsOf(principal.userId);
          const read = [inboxPubnubChannel(principal.userId)];
          const granted = await grant(principal.userId, readWrite, read);
          const now = svc.now();
          const expiresAt = now + granted.ttlMinutes * 60_000;
          await svc.db.transaction((tx) => insertPubnubToken(tx, { id: svc.newId(), userId: principal.userId, token: granted.token, expiresAt }, now));
          // A removal that committed after the channels were read but before the token was recorded
          // could not revoke this token: check again, and revoke and retry if a channel was lost.
          const still = new Set(await channelsOf(principal.userId));
          if (readWrite.every((c) => still.has(c))) {
            return {
              token: granted.token,
              ttlMinutes: granted.ttlMinutes,
              expiresAt,
              userId: principal.userId,
              subscribeKey: svc.pubnub.subscribeKey ?? '',
              publishKey: svc.pubnub.publishKey ?? '',
              readWrite,
              read,
            };
          }
          await svc.pubnub.revoke(granted.token).catch(() => undefined);
          if (attempt >= 2) throw new ServiceUnavailable('membership is changing; try again');
        }
      },
    }),
  ];
}
