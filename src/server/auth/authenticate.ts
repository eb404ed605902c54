/**
 * Turns a bearer access token into the request's principal (docs/api.md, "Conventions": the token's `did`
 * names the device): the JWT must verify, its session must be live (logout and refresh-token reuse end it
 * at once, not at token expiry), and a named device must be the session's, belong to the user and not be
 * revoked — so a revoked device gets nothing from its next request on.
 *
 * The liveness rules are `checkPrincipalState`, applied to the session and device rows read either by
 * the authenticator (one query before the handler) or — on the hot key-fetch path (route `sessionCheck:
 * 'handler'`) — by the handler's own query, which reads them with the data in one round trip. There is no
 * cache: a revoked session or device is refused at its very next request, on every instance.
 */
import type { Queryable } from '../db/db';
import { Unauthorized } from '../http/httpErrors';
import type { UserPrincipal } from '../http/route';
import { principalState, type PrincipalState } from '../store/sessions';
import type { AccessTokens } from './accessTokens';

/** Throws Unauthorized unless the token's session (and device, if it names one) is live per `state`. */
export function checkPrincipalState(claims: UserPrincipal, state: PrincipalState | undefined, now: number): void {
  if (!state) throw new Unauthorized('session ended; log in again', 'session_revoked');
  if (claims.deviceId !== null) {
    if (state.device_user_id !== claims.userId || state.session_device_id !== claims.deviceId) {
      throw new Unauthorized("token names a device that is not this session's", 'invalid_token');
    }
    if (state.device_revoked_at !== null) throw new Unauthorized('this device has been revoked', 'device_revoked');
  }
  if (state.session_revoked_at !== null || state.session_expires_at <= now) {
    throw new Unauthorized('session ended; log in again', 'session_revoked');
  }
}

export function createAuthenticator(db: Queryable, tokens: AccessTokens, now: () => number): (token: string) => Promise<UserPrincipal> {
  return async (token) => {
    const claims = await tokens.verify(token);
    checkPrincipalState(claims, await principalState(db, claims.sessionId, claims.deviceId), now());
    return claims;
  };
}
