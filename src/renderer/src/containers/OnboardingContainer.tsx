/** Container: binds the session slice to the onboarding screen. */
import { useEffect } from 'react';
import { Onboarding } from '../components/Onboarding';
import { recoverySelectors } from '../state/recoverySlice';
import { sessionSelectors } from '../state/sessionSlice';
import { useAppStore, useAppStoreApi } from './storeContext';

export function OnboardingContainer() {
  const store = useAppStoreApi();
  const busy = useAppStore(sessionSelectors.busy);
  const error = useAppStore(sessionSelectors.error);
  const current = useAppStore(sessionSelectors.current);
  const linkOffer = useAppStore(sessionSelectors.linkOffer);
  const linkStatus = useAppStore(sessionSelectors.linkStatus);
  const choices = useAppStore(sessionSelectors.choices);
  const ssoPending = useAppStore(sessionSelectors.ssoPending);
  const restoreBusy = useAppStore(recoverySelectors.busy);
  const restoreError = useAppStore(recoverySelectors.error);
  const pendingReset = useAppStore(recoverySelectors.pendingReset);
  useEffect(() => void store.getState().loadSignInChoices(), [store]);
  // A reset this profile asked for may be waiting (docs/protocol.md §18.9): the restore tab shows until when.
  useEffect(() => void store.getState().loadPendingReset(), [store]);
  // A recovery-key failure from before sign-out (or from the status check) is not this screen's.
  useEffect(() => store.getState().clearRecoveryError(), [store]);
  const s = store.getState();
  return (
    <Onboarding
      busy={busy}
      error={error}
      server={current ? { url: current.serverUrl, local: current.localStack } : null}
      revoked={current?.state === 'signedOut' && current.reason === 'deviceRevoked'}
      linkOffer={linkOffer}
      linkStatus={linkStatus}
      onSignIn={(input) => void s.signIn(input)}
      onRegister={(input) => void s.register(input)}
      onStartLink={(input) => void s.startDeviceLink(input)}
      onCheckLink={() => void s.refreshLinkStatus()}
      onOpenSettings={() => s.openPanel('settings')}
      choices={choices}
      ssoPending={ssoPending}
      onSso={(deviceName) => void s.signInWithSso(deviceName)}
      onCancelSso={() => void s.cancelSso()}
      restore={{
        busy: restoreBusy,
        error: restoreError,
        onRestore: (input) => void s.restoreWithRecoveryKey(input),
        onReset: (input) => void s.resetAccount(input),
        pendingReset,
        onFinishReset: () => void s.finishPendingReset(),
        now: Date.now(),
      }}
    />
  );
}
