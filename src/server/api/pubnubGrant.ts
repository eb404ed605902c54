/**
 * A PubNub token grant as the token routes answer it (docs/api.md, "PubNub"): the gateway's bounded grant
 * (src/server/pubnub/sdkGateway.ts, ≤ 3 s) or a typed refusal — `messaging_unavailable` (503) when PubNub
 * did not grant in time, so the client tries again later instead of holding a request open; `unavailable`
 * (503) when the service runs without PubNub.
 */
import { HttpError, ServiceUnavailable } from '../http/httpErrors';
import { PubnubNotConfigured, type ChannelGrant, type GrantedToken } from '../pubnub/gateway';
import type { Services } from '../services';

/** PubNub (or the relay) did not answer in time; retry later. */
export class MessagingUnavailable extends HttpError {
  constructor(message = 'messaging is unavailable right now (PubNub did not answer); try again later') {
    super(503, 'messaging_unavailable', message);
  }
}

export async function grantToken(svc: Services, userId: string, channels: ChannelGrant): Promise<GrantedToken> {
  try {
    return await svc.pubnub.grant(userId, channels);
  } catch (err) {
    if (err instanceof PubnubNotConfigured) throw new ServiceUnavailable(err.message);
    throw new MessagingUnavailable();
  }
}
