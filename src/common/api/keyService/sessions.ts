/**
 * Routes of device sessions and the account's sessions (docs/api.md "Sessions"; the challenge is
 * docs/protocol.md §16): a device proves its key for a device-bound session, and a device-bound session
 * lists and ends the account's sessions and changes the password.
 */
import { TokenPairSchema } from '../accountSchemas';
import { defineRoutes } from '../route';
import { NoContent } from '../serviceSchemas';
import { ChallengeSchema, ChangePasswordBody, DeviceSessionBody, EndedSessionsSchema, SessionIdParam, SessionListSchema } from '../sessionSchemas';

export const sessionRoutes = defineRoutes({
  createChallenge: {
    method: 'POST',
    path: '/v1/auth/challenge',
    tag: 'sessions',
    summary: 'A fresh single-use challenge for a device to sign (valid 60 seconds)',
    auth: 'public',
    response: ChallengeSchema,
    status: 201,
    errors: { 429: ['rate_limited'] },
  },
  openDeviceSession: {
    method: 'POST',
    path: '/v1/auth/device-session',
    tag: 'sessions',
    summary: "Open a device-bound session with the device's signature over a challenge",
    auth: 'public',
    body: DeviceSessionBody,
    response: TokenPairSchema,
    errors: {
      401: ['challenge_unknown', 'challenge_expired', 'challenge_used', 'device_proof_invalid'],
      403: ['device_unknown', 'device_revoked', 'account_deactivated'],
      429: ['rate_limited'],
    },
  },
  changePassword: {
    method: 'POST',
    path: '/v1/auth/password',
    tag: 'sessions',
    summary: 'Change the password (needs the current one); every other session of the account ends',
    auth: 'device',
    body: ChangePasswordBody,
    response: EndedSessionsSchema,
    errors: { 403: ['wrong_password'], 429: ['rate_limited'] },
  },
  listSessions: {
    method: 'GET',
    path: '/v1/auth/sessions',
    tag: 'sessions',
    summary: "This account's live sessions, the caller's marked current",
    auth: 'device',
    response: SessionListSchema,
    errors: {},
  },
  endSession: {
    method: 'DELETE',
    path: '/v1/auth/sessions/:sessionId',
    tag: 'sessions',
    summary: 'End one session of this account: its refresh token and access tokens stop at once',
    auth: 'device',
    params: SessionIdParam,
    response: NoContent,
    status: 204,
    errors: { 404: ['session_not_found'] },
  },
  endOtherSessions: {
    method: 'POST',
    path: '/v1/auth/sessions/end-others',
    tag: 'sessions',
    summary: "Sign out everywhere else: end every session of this account but the caller's",
    auth: 'device',
    response: EndedSessionsSchema,
    errors: {},
  },
});
