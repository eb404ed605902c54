/**
 * Presentational: confirms signing out, which unlinks this device for good (main revokes it at the key
 * service, deletes its keys from the OS keychain, and the conversations rotate their keys). When this is
 * the account's only active device — or that cannot be checked now — it says first, in plain words, what
 * is lost: with a recovery key, everything but what the key brings back on a new device (so it offers to
 * check the key first); without one, the account and its history for good (so it offers to make one). The
 * button stays disabled until the person ticks that they understand.
 */
import { useState } from 'react';
import type { RecoveryStatus } from '../state/recoverySlice';
import { Dialog } from './Dialog';

/** Whether this device is the account's last active one: `unknown` while the device list cannot be read. */
export type LastDevice = 'yes' | 'no' | 'unknown' | 'checking';

export interface SignOutDialogProps {
  busy: boolean;
  lastDevice: LastDevice;
  onConfirm(): void;
  onCancel(): void;
  /** The account's recovery key as main reports it; null while unknown. */
  recovery?: RecoveryStatus['state'] | null;
  /** Opens the recovery key dialog (to check the key, or make one) instead of signing out. */
  onCheckRecoveryKey?(): void;
}

export function SignOutDialog({ busy, lastDevice, onConfirm, onCancel, recovery = null, onCheckRecoveryKey }: SignOutDialogProps) {
  const [understood, setUnderstood] = useState(false);
  const warn = lastDevice === 'yes' || lastDevice === 'unknown';
  const hasKey = recovery === 'confirmed' || recovery === 'unconfirmed' || recovery === 'replaced';
  const blocked = busy || lastDevice === 'checking' || (warn && !understood);
  return (
    <Dialog title="Sign out and unlink this device?" onClose={onCancel} testId="sign-out-dialog">
      {warn ? (
        <div className="banner warning" role="alert" data-testid="last-device-warning">
          <p>
            {lastDevice === 'yes'
              ? 'This is the only device signed in to your account.'
              : 'Your other devices could not be checked right now, so this may be the only device signed in to your account.'}{' '}
            {hasKey
              ? 'If you sign out, there is no other device to link a new one from: only your recovery key and your password can bring your account and its message history back. Check that you have your recovery key before you go on.'
              : 'If you sign out, your account and all of its message history become unreadable everywhere — there is no other device to link a new one from, your account has no recovery key, and nobody, including your IT team, can bring it back.'}
          </p>
          {onCheckRecoveryKey && (
            <p>
              <button type="button" onClick={onCheckRecoveryKey} data-testid="sign-out-check-recovery">
                {hasKey ? 'Check my recovery key first' : 'Make a recovery key first'}
              </button>
            </p>
          )}
          <label>
            <input type="checkbox" checked={understood} onChange={(e) => setUnderstood(e.target.checked)} data-testid="confirm-last-device" />{' '}
            {hasKey
              ? 'I understand that without my recovery key my account and its history will be lost'
              : 'I understand that my account and its history will be lost'}
          </label>
        </div>
      ) : (
        <p>
          Signing out removes this device from your account: its keys are deleted from this computer and your conversations switch to new keys. To use this
          computer again, sign in as a new device and link it from another device to bring your history.
        </p>
      )}
      {lastDevice === 'checking' && (
        <p className="muted" aria-busy="true">
          Checking your other devices…
        </p>
      )}
      <div className="dialog-actions">
        <button type="button" onClick={onCancel}>
          Cancel
        </button>
        <button type="button" onClick={onConfirm} disabled={blocked} data-testid="confirm-sign-out">
          {warn ? 'Sign out and lose my account' : 'Unlink and sign out'}
        </button>
      </div>
    </Dialog>
  );
}
