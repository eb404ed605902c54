/**
 * PubNub access endpoint (docs/api.md "PubNub"): a token for exactly the caller's channels and inbox —
 * read+write on `conv.<id>` of every conversation the caller belongs to, read on their
 * own `inbox.<userId>`, and read on `conv.<id>-pnpres` of their direct conversations (presence,
 * docs/messaging.md "Presence"), and the PubNub Files channels of those conversations (pubnub/filesGrant.ts).
 * Membership changes revoke the old tokens and tell the user to fetch a new one.
 */
import { keyServiceRoutes as api } from '../../common/api/keyService';
import { conversationPresencePubnubChannel, conversationPubnubChannel, inboxPubnubChannel } from '../../common/pubnubChannels';
import { ServiceUnavailable } from '../http/httpErrors';
import { implement, type Route } from '../http/route';
import { Effects } from '../pubnub/effects';
import type { Services } from '../services';
import { conversationsOfUser } from '../store/conversations';
import { insertPubnubToken, takeToken } from '../store/pubnubTokens';
import { filesGrant } from '../pubnub/filesGrant';
import { grantToken } from './pubnubGrant';

export function pubnubRoutes(svc: Services): Route[] {
  const channelsOf = async (userId: string) => (await conversationsOfUser(svc.db, userId)).map((c) => conversationPubnubChannel(c.id));
  const presenceOf = async (userId: string) =>
    (await conversationsOfUser(svc.db, userId)).filter((c) => c.kind === 'direct').map((c) => conversationPresencePubnubChannel(c.id));
  /** Revokes a token just recorded, through the outbox like every revocation. */
  const revoke = async (tokenId: string) => {
    const effects = new Effects();
    await svc.db.transaction(async (tx) => {
      const row = await takeToken(tx, tokenId, svc.now());
      if (row) effects.revoke([row]);
      await svc.outbox.record(tx, effects);
    });
    await svc.outbox.afterCommit(effects);
  };
  return [
    implement(api, 'getPubnubToken', {
      handler: async ({ principal }) => {
        for (let attempt = 0; ; attempt++) {
          const readWrite = await channelsOf(principal.userId);
          const read = [inboxPubnubChannel(principal.userId), ...(await presenceOf(principal.userId))];
          const granted = await grantToken(svc, principal.userId, { readWrite, read, ...filesGrant(principal.userId, readWrite) });
          const now = svc.now();
          const expiresAt = now + granted.ttlMinutes * 60_000;
          const tokenId = svc.newId();
          await svc.db.transaction((tx) => insertPubnubToken(tx, { id: tokenId, userId: principal.userId, token: granted.token, expiresAt }, now));
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
          await revoke(tokenId);
          if (attempt >= 2) throw new ServiceUnavailable('membership is changing; try again');
        }
      },
    }),
  ];
}
