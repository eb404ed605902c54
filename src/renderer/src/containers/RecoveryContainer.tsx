/**
 * Containers of the recovery key (docs/desktop.md "Recovery key"): the dialog bound to the recovery slice,
 * and the messenger's banners, which ask main when the messenger opens: a reset of the account that waits
 * (PendingResetBanner, docs/protocol.md §18.9; also re-asked on `accountResetChanged`) and the reminder.
 */
import { useEffect } from 'react';
import { PendingResetBanner } from '../components/PendingResetBanner';
import { RecoveryKeyDialog } from '../components/RecoveryKeyDialog';
import { RecoveryReminder } from '../components/RecoveryReminder';
import { recoverySelectors } from '../state/recoverySlice';
import { sessionSelectors } from '../state/sessionSlice';
import { useAppStore, useAppStoreApi } from './storeContext';

export function RecoveryDialogContainer() {
  const store = useAppStoreApi();
  const s = store.getState();
  const status = useAppStore(recoverySelectors.status);
  const shown = useAppStore(recoverySelectors.shown);
  const busy = useAppStore(recoverySelectors.busy);
  const error = useAppStore(recoverySelectors.error);
  const session = useAppStore(sessionSelectors.current);
  const choices = useAppStore(sessionSelectors.choices);
  useEffect(() => {
    const state = store.getState();
    state.clearRecoveryError();
    void state.loadRecoveryStatus();
    // What the organisation signs in with decides how the person proves themselves before a key is made.
    void state.loadSignInChoices();
  }, [store]);
  return (
    <RecoveryKeyDialog
      status={status}
      shown={shown}
      username={session?.state === 'signedIn' ? session.user.username : ''}
      busy={busy}
      error={error}
      onMake={s.makeRecoveryKey}
      reauth={choices ? { password: choices.password, sso: choices.sso } : undefined}
      onVerify={s.verifyRecoveryKey}
      onClose={() => {
        // The key's text is dropped from the page as the dialog closes; main never answers it again.
        s.forgetShownKey();
        s.closePanel();
      }}
    />
  );
}

const formatTime = (ms: number) => new Date(ms).toLocaleString([], { dateStyle: 'medium', timeStyle: 'short' });

export function PendingResetBannerContainer() {
  const store = useAppStoreApi();
  const request = useAppStore(recoverySelectors.pendingReset);
  const cancelledHere = useAppStore(recoverySelectors.resetCancelledHere);
  const busy = useAppStore(recoverySelectors.busy);
  const userId = useAppStore(sessionSelectors.selfUserId);
  useEffect(() => {
    if (userId !== null) void store.getState().loadPendingReset();
  }, [store, userId]);
  return (
    <PendingResetBanner
      request={request}
      cancelledHere={cancelledHere}
      busy={busy}
      onCancel={() => void store.getState().cancelPendingReset()}
      formatTime={formatTime}
    />
  );
}

export function RecoveryReminderContainer() {
  const store = useAppStoreApi();
  const reminder = useAppStore(recoverySelectors.reminder);
  const required = useAppStore((st) => st.recovery.status?.required ?? false);
  const userId = useAppStore(sessionSelectors.selfUserId);
  useEffect(() => {
    if (userId !== null) void store.getState().loadRecoveryStatus();
  }, [store, userId]);
  const s = store.getState();
  return (
    <>
      <PendingResetBannerContainer />
      {reminder !== null && <RecoveryReminder state={reminder} required={required} onOpen={() => s.openPanel('recovery')} onLater={s.snoozeRecoveryReminder} />}
    </>
  );
}
