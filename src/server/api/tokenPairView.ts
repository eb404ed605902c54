/** The wire view of a token pair (docs/api.md "Accounts and sessions"): tokens, the session's device and the user. */
import type { TokenPair as WireTokenPair } from '../../common/api/accountSchemas';
import type { DeviceId } from '../../common/ids';
import type { TokenPair } from '../auth/sessionIssuer';
import type { UserRow } from '../store/users';
import { userView } from './views';

export function pairView(t: TokenPair, user: UserRow): WireTokenPair {
  return { accessToken: t.accessToken, refreshToken: t.refreshToken, expiresIn: t.expiresIn, deviceId: t.deviceId as DeviceId | null, user: userView(user) };
}
