/**
 * Presentational: confirms signing out, which unlinks this device for good (main revokes it at the key
 * service, deletes its keys from the OS keychain, and the conversations rotate their keys). When this is
 * the account's only active device — or that cannot be checked now — it says first, in plain words, that
 * nothing will be able to read the account and its history afterwards, and the button stays disabled
 * until the person ticks that they understand.
 */
import { useState } from 'react';
import { Dialog } from './Dialog';

/** Whether this device is the account's last active one: `unknown` while the device list cannot be read. */
export type LastDevice = 'yes' | 'no' | 'unknown' | 'checking';

export interface SignOutDialogProps {
  busy: boolean;
  lastDevice: LastDevice;
  onConfirm(): void;
  onCancel(): void;
}

export function SignOutDialog({ busy, lastDevice, onConfirm, onCancel }: SignOutDialogProps) {
  const [understood, setUnderstood] = useState(false);
  const warn = lastDevice === 'yes' || lastDevice === 'unknown';
  const blocked = busy || lastDevice === 'checking' || (warn && !understood);
  return (
    <Dialog title="Sign out and unlink this device?" onClose={onCancel} testId="sign-out-dialog">
      {warn ? (
        <div className="banner warning" role="alert" data-testid="last-device-warning">
          <p>
            {lastDevice === 'yes'
              ? 'This is the only device signed in to your account.'
              : 'Your other devices could not be checked right now, so this may be the only device signed in to your account.'}{' '}
            If you sign out, your account and all of its message history become unreadable everywhere — there is no other device to link a new one from, and
            nobody, including your IT team, can bring it back.
          </p>
          <label>
            <input type="checkbox" checked={understood} onChange={(e) => setUnderstood(e.target.checked)} data-testid="confirm-last-device" /> I understand that
            my account and its history will be lost
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
