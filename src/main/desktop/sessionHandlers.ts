/**
 * The desktop's IPC handlers for the account's key-service sessions (docs/client.md "Sessions"): list them,
 * end one, sign out everywhere else, change the password. Results are ids, names and times — never a
 * token; the passwords go from the renderer to the client core once and are not kept.
 */
import type { DeviceId } from '../../common/ids';
import type { AccountSessionView } from '../../common/ipc/schemas/accountSessions';
import type { AccountSession } from '../../client';
import type { Handlers } from '../ipc/dispatch';
import type { ClientHost } from './clientHost';

type SessionMethods = 'listSessions' | 'endSession' | 'endOtherSessions' | 'changePassword';

function sessionView(s: AccountSession): AccountSessionView {
  return { ...s, deviceId: s.deviceId as DeviceId | null };
}

export function sessionHandlers(deps: { host: ClientHost }): Pick<Required<Handlers>, SessionMethods> {
  const listed = async () => (await (await deps.host.current()).sessions()).map(sessionView);
  return {
    listSessions: listed,
    async endSession(sessionId) {
      await (await deps.host.current()).endSession(sessionId);
      return listed();
    },
    async endOtherSessions() {
      return { endedSessions: await (await deps.host.current()).endOtherSessions() };
    },
    async changePassword(a) {
      return { endedSessions: await (await deps.host.current()).changePassword(a.currentPassword, a.newPassword) };
    },
  };
}
