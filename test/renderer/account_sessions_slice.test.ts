/**
 * The account sessions slice (devices panel, "Sessions"; docs/client.md "Sessions") over the real contract
 * dispatcher with in-memory handlers: list, end one, sign out everywhere else, change the password; a
 * refusal becomes a sentence for people (the code stays in the typed error, for the log).
 */
import { describe, expect, it } from 'vitest';
import { AppError } from '../../src/common/errors';
import { buildBridge, createEventRouter } from '../../src/common/ipc/bridge';
import type { AccountSessionView } from '../../src/common/ipc/schemas/accountSessions';
import { createDispatcher, type Handlers } from '../../src/main/ipc/dispatch';
import { createBridgeClient } from '../../src/renderer/src/bridge/client';
import { sessionErrorText } from '../../src/renderer/src/model/sessionErrors';
import { accountSessionsSelectors } from '../../src/renderer/src/state/accountSessionsSlice';
import { createAppStore } from '../../src/renderer/src/state/store';

const mine: AccountSessionView = {
  sessionId: 'session-this-1',
  kind: 'device',
  deviceId: null,
  deviceName: 'Desktop',
  createdAt: 1,
  lastUsedAt: 2,
  current: true,
};
const intruder: AccountSessionView = { ...mine, sessionId: 'session-pw-001', kind: 'password', deviceName: null, current: false };
const laptop: AccountSessionView = { ...mine, sessionId: 'session-lap-01', deviceName: 'Laptop', current: false };

function storeWith() {
  let sessions = [mine, intruder, laptop];
  const handlers: Handlers = {
    listSessions: async () => sessions,
    endSession: async (id) => (sessions = sessions.filter((s) => s.sessionId !== id)),
    endOtherSessions: async () => {
      const ended = sessions.length - 1;
      sessions = [mine];
      return { endedSessions: ended };
    },
    changePassword: async ({ currentPassword }) => {
      if (currentPassword !== 'the right one') throw new AppError('wrong_password', 'the current password is wrong');
      return { endedSessions: 0 };
    },
  };
  const bridge = createBridgeClient(buildBridge(createDispatcher(handlers), createEventRouter().subscribe));
  return createAppStore(bridge, { events: { on: () => () => {} }, now: () => 1_000, isActive: () => true, startChat: null });
}

describe('account sessions slice', () => {
  it('lists, ends one, signs out everywhere else', async () => {
    const store = storeWith();
    const s = store.getState();
    await s.loadAccountSessions();
    expect(accountSessionsSelectors.list(store.getState()).map((x) => x.kind)).toEqual(['device', 'password', 'device']);
    await s.endAccountSession(intruder.sessionId);
    expect(accountSessionsSelectors.list(store.getState()).map((x) => x.sessionId)).toEqual([mine.sessionId, laptop.sessionId]);
    await s.endOtherAccountSessions();
    expect(accountSessionsSelectors.list(store.getState())).toEqual([mine]);
    expect(accountSessionsSelectors.notice(store.getState())).toBe('Signed out 1 other session. Your other devices sign in again by themselves.');
  });

  it('changes the password, and shows a refusal as a sentence', async () => {
    const store = storeWith();
    expect(await store.getState().changePassword('wrong', 'a brand new password')).toBe(false);
    const error = accountSessionsSelectors.error(store.getState());
    expect(error?.code).toBe('wrong_password');
    expect(sessionErrorText(error!)).toBe('The current password is not right, so the password was not changed.');
    expect(await store.getState().changePassword('the right one', 'short')).toBe(false);
    expect(sessionErrorText(accountSessionsSelectors.error(store.getState())!)).toBe('The new password must be 10 to 256 characters long.');
    expect(await store.getState().changePassword('the right one', 'a brand new password')).toBe(true);
    expect(accountSessionsSelectors.error(store.getState())).toBeNull();
    expect(accountSessionsSelectors.notice(store.getState())).toBe('Your password was changed and 0 other sessions ended.');
  });
});
