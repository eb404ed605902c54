/**
 * The account's key-service sessions (docs/client.md "Sessions", docs/api.md "Sessions"): list them, end one,
 * end every other ("sign out everywhere else") and change the password, which ends every other session too.
 * The user's other devices then prove themselves for new sessions on their own (deviceSession.ts); a
 * session opened with the password alone is gone for good.
 */
import type { SessionView } from '../common/api/sessionSchemas';
import type { KeyServiceApi } from './keyServiceApi';

/** One live session of the account (no token, no key). */
export type AccountSession = SessionView;

export async function listAccountSessions(api: KeyServiceApi): Promise<AccountSession[]> {
  return (await api.request('listSessions')).sessions;
}

export async function endAccountSession(api: KeyServiceApi, sessionId: string): Promise<void> {
  await api.request('endSession', { params: { sessionId } });
}

/** Ends every session but this one; answers how many ended. */
export async function endOtherAccountSessions(api: KeyServiceApi): Promise<number> {
  return (await api.request('endOtherSessions')).endedSessions;
}

/** Changes the password (the current one is checked); every other session ends. Answers how many ended. */
export async function changeAccountPassword(api: KeyServiceApi, currentPassword: string, newPassword: string): Promise<number> {
  return (await api.request('changePassword', { body: { currentPassword, newPassword } })).endedSessions;
}
