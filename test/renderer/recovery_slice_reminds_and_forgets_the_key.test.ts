/**
 * The recovery slice (docs/desktop.md "Recovery key") over the real contract dispatcher with in-memory
 * handlers standing in for main: the reminder follows the status (put off with "Later" unless policy
 * requires the key or the backup was changed), a made key is held only until the dialog forgets it, a
 * refusal is a sentence with the code kept for the log, and the key is shown in rows of groups and saved
 * as a text file naming the account. Signing out of the last device and the devices panel say what the
 * recovery key means for the account and offer to check (or make) it.
 */
import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { AppError } from '../../src/common/errors';
import type { DeviceId, UserId } from '../../src/common/ids';
import { buildBridge, createEventRouter } from '../../src/common/ipc/bridge';
import { ACCOUNT_RESET_PHRASE, type RecoveryStatus } from '../../src/common/ipc/schemas/recovery';
import { createDispatcher, type Handlers } from '../../src/main/ipc/dispatch';
import { createBridgeClient } from '../../src/renderer/src/bridge/client';
import { DevicesPanel } from '../../src/renderer/src/components/DevicesPanel';
import { RecoveryRestoreForm } from '../../src/renderer/src/components/RecoveryRestoreForm';
import { SignOutDialog } from '../../src/renderer/src/components/SignOutDialog';
import { recoveryKeyFile, recoveryKeyRows } from '../../src/renderer/src/model/recoveryKey';
import { describeError } from '../../src/renderer/src/model/uiError';
import { recoverySelectors } from '../../src/renderer/src/state/recoverySlice';
import { createAppStore } from '../../src/renderer/src/state/store';

const KEY = 'ABCD-EFGH-JKMN-PQRS-TVWX-YZ01-2345-6789-ABCD-EFGH-JKMN-PQRS-TVWX-YZ01';

function storeWith(required = false) {
  let status: RecoveryStatus = { state: 'none', backupVersion: null, required };
  const handlers: Handlers = {
    recoveryStatus: async () => status,
    createRecoveryKey: async (who) => {
      if (!('password' in who) || who.password !== 'the right one')
        throw new AppError('recovery_password_wrong', 'That is not your account password. No recovery key was made; try again.', 'permission');
      status = { ...status, state: 'unconfirmed', backupVersion: 1 };
      return { recoveryKey: KEY, backupVersion: 1 };
    },
    verifyRecoveryKey: async (typed) => {
      if (typed.toUpperCase().replace(/[\s-]/g, '') !== KEY.replace(/-/g, ''))
        throw new AppError('recovery_key_invalid', 'this recovery key is not the key of this account');
      status = { ...status, state: 'confirmed' };
      return status;
    },
  };
  const bridge = createBridgeClient(buildBridge(createDispatcher(handlers), createEventRouter().subscribe));
  return createAppStore(bridge, { events: { on: () => () => {} }, now: () => 1_000, isActive: () => true, startChat: null });
}

describe('recovery slice', () => {
  it('reminds until the key is confirmed; "Later" puts it off; a made key is held only until forgotten', async () => {
    const store = storeWith();
    const s = store.getState();
    expect(recoverySelectors.reminder(store.getState()), 'nothing known yet: no reminder').toBeNull();
    await s.loadRecoveryStatus();
    expect(recoverySelectors.reminder(store.getState())).toBe('none');
    s.snoozeRecoveryReminder();
    expect(recoverySelectors.reminder(store.getState())).toBeNull();

    expect(await s.makeRecoveryKey({ password: 'wrong' }, false)).toBe(false);
    const refused = recoverySelectors.error(store.getState())!;
    expect(refused.code).toBe('recovery_password_wrong');
    expect(describeError(refused)).toBe('That is not your account password. No recovery key was made; try again.');
    expect(recoverySelectors.shown(store.getState())).toBeNull();

    expect(await s.makeRecoveryKey({ password: 'the right one' }, false)).toBe(true);
    expect(recoverySelectors.shown(store.getState())).toEqual({ recoveryKey: KEY, backupVersion: 1 });
    expect(recoverySelectors.status(store.getState())?.state).toBe('unconfirmed');
    s.forgetShownKey();
    expect(recoverySelectors.shown(store.getState())).toBeNull();
    expect(JSON.stringify(store.getState().recovery)).not.toContain('ABCD');

    expect(await s.verifyRecoveryKey('nope')).toBe(false);
    expect(describeError(recoverySelectors.error(store.getState())!)).toMatch(/^That recovery key does not belong to this account\./);
    expect(await s.verifyRecoveryKey(KEY.toLowerCase().replace(/-/g, ' '))).toBe(true);
    expect(recoverySelectors.reminder(store.getState())).toBeNull();
  });

  it('cannot be put off while IT requires the key', async () => {
    const store = storeWith(true);
    await store.getState().loadRecoveryStatus();
    store.getState().snoozeRecoveryReminder();
    expect(recoverySelectors.reminder(store.getState())).toBe('none');
  });

  it('shows the key in rows of four groups and saves it as a file naming the account', () => {
    expect(recoveryKeyRows(KEY).map((r) => r.length)).toEqual([4, 4, 4, 2]);
    const file = recoveryKeyFile(KEY, 'alice');
    expect(file.name).toBe('seed-recovery-key-alice.txt');
    expect(file.text).toContain('ABCD EFGH JKMN PQRS\nTVWX YZ01 2345 6789');
    expect(file.text).toContain('@alice');
    expect(recoveryKeyFile(KEY, '../etc').name).toBe('seed-recovery-key-.._etc.txt');
  });

  it('signing out of the last device says what the recovery key means and offers to check or make it', () => {
    const dialog = (recovery: RecoveryStatus['state'] | null) =>
      renderToStaticMarkup(
        createElement(SignOutDialog, { busy: false, lastDevice: 'yes', recovery, onConfirm: () => {}, onCancel: () => {}, onCheckRecoveryKey: () => {} }),
      );
    const withKey = dialog('confirmed');
    expect(withKey).toContain('only your recovery key and your password can bring your account and its message history back');
    expect(withKey).toContain('Check my recovery key first');
    const without = dialog('none');
    expect(without).toContain('your account has no recovery key, and nobody, including your IT team, can bring it back');
    expect(without).toContain('Make a recovery key first');
    expect(dialog(null), 'unknown: the strong warning').toContain('nobody, including your IT team');
    const panel = renderToStaticMarkup(
      createElement(DevicesPanel, {
        devices: [],
        loading: false,
        approval: { confirmation: null, result: null },
        busy: false,
        error: null,
        onRevoke: () => {},
        onBeginApproval: () => {},
        onAnswer: () => {},
        onResetApproval: () => {},
        onClose: () => {},
        recovery: { state: 'replaced', onOpen: () => {} },
      }),
    );
    expect(panel).toContain('Your recovery key was replaced on another device');
    expect(panel).toContain('Check or replace the recovery key');
  });
});

describe('the account reset on the restore form (docs/protocol.md §18.9)', () => {
  const session = {
    state: 'signedIn' as const,
    serverUrl: 'http://127.0.0.1:1',
    localStack: true,
    user: { userId: 'user-alice-0001' as UserId, username: 'alice', displayName: 'Alice' },
    deviceId: 'device-new-0001' as DeviceId,
    deviceName: 'New laptop',
  };
  function resettable(stillSignedIn: { value: boolean }) {
    const handlers: Handlers = {
      recoveryStatus: async () => ({ state: 'none', backupVersion: null, required: false }),
      resetAccount: async () => {
        if (stillSignedIn.value) throw new AppError('account_has_active_device', 'this account is still signed in on "Old laptop"', 'conflict');
        return session;
      },
      accountResetRequest: async () => null,
    };
    const bridge = createBridgeClient(buildBridge(createDispatcher(handlers), createEventRouter().subscribe));
    return createAppStore(bridge, { events: { on: () => () => {} }, now: () => 1_000, isActive: () => true, startChat: null });
  }
  const input = { username: 'alice', password: 'correct horse battery', deviceName: 'New laptop' };

  it('is refused without the typed phrase and while a device is signed in (a sentence); then it signs in', async () => {
    const stillSignedIn = { value: true };
    const store = resettable(stillSignedIn);
    await store.getState().resetAccount({ ...input, typedPhrase: 'reset' as typeof ACCOUNT_RESET_PHRASE });
    expect(recoverySelectors.error(store.getState())?.code).toBe('invalid_arguments');
    await store.getState().resetAccount({ ...input, typedPhrase: ACCOUNT_RESET_PHRASE });
    const refused = recoverySelectors.error(store.getState())!;
    expect(refused.code).toBe('account_has_active_device');
    expect(describeError(refused)).toMatch(/^Your account is still signed in on another device, so it was not reset and nothing changed\./);
    expect(store.getState().session.current?.state).not.toBe('signedIn');

    stillSignedIn.value = false;
    await store.getState().resetAccount({ ...input, typedPhrase: ACCOUNT_RESET_PHRASE });
    expect(recoverySelectors.error(store.getState())).toBeNull();
    expect(store.getState().session.current).toMatchObject({ state: 'signedIn', user: { username: 'alice' } });
  });

  it('the restore form offers it closed, says what it costs, and keeps its button off until the phrase is typed', () => {
    const html = renderToStaticMarkup(createElement(RecoveryRestoreForm, { busy: false, error: null, initial: input, onRestore: () => {}, onReset: () => {} }));
    expect(html).toContain('Lost your recovery key too?');
    expect(html).toContain('everyone you talk to is told that your safety number changed');
    expect(html).toContain('messages from before the reset can no longer be read');
    expect(html).toContain(`type &quot;${ACCOUNT_RESET_PHRASE}&quot;`);
    expect(html).toMatch(/<button[^>]*disabled=""[^>]*data-testid="account-reset-submit"/);
    expect(html).not.toMatch(/<details[^>]*open/);
    const without = renderToStaticMarkup(createElement(RecoveryRestoreForm, { busy: false, error: null, initial: input, onRestore: () => {} }));
    expect(without).not.toContain('account-reset');
  });
});
