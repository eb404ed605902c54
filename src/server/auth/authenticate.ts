/**
 * Turns a bearer access token into the request's principal (issue 5, "the access token names the
 * device"): the JWT must verify, its session must be live (logout and refresh-token reuse end it at
 * once, not at token expiry), and a named device must be the session's, belong to the user and not be
 * revoked — so a revoked device gets nothing from its next request on.
 */
import type { Queryable } from '../db/db';
import { Unauthorized } from '../http/httpErrors';
import type { UserPrincipal } from '../http/route';
import { principalState } from '../store/sessions';
import type { AccessTokens } from './accessTokens';

export function createAuthenticator(db: Queryable, tokens: AccessTokens, now: () => number): (token: string) => Promise<UserPrincipal> {
  return async (token) => {
    const claims = await tokens.verify(token);
    const state = await principalState(db, claims.sessionId, claims.deviceId);
    if (!state) throw new Unauthorized('session ended; log in again', 'session_revoked');
    if (claims.deviceId !== null) {
      if (state.device_user_id !== claims.userId || state.session_device_id !== claims.deviceId) {
        throw new Unauthorized('token names a device that is not this session\'s', 'invalid_token');
      }
      if (state.device_revoked_at !== null) throw new Unauthorized('this device has been revoked', 'device_revoked');
    }
    if (state.session_revoked_at !== null || state.session_expires_at <= now()) {
      throw new Unauthorized('session ended; log in again', 'session_revoked');
    }
    return claims;
  };
}
