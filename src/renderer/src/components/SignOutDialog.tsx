/**
 * Presentational: confirms signing out, which unlinks this device for good (main revokes it at the key
 * service, deletes its keys from the OS keychain, and the conversations rotate their keys).
 */
import { Dialog } from './Dialog';

export interface SignOutDialogProps {
  busy: boolean;
  onConfirm(): void;
  onCancel(): void;
}

export function SignOutDialog({ busy, onConfirm, onCancel }: SignOutDialogProps) {
  return (
    <Dialog title="Sign out and unlink this device?" onClose={onCancel} testId="sign-out-dialog">
      <p>
        Signing out removes this device from your account: its keys are deleted from this computer and your conversations switch to new keys. To use this
        computer again, sign in as a new device and link it from another device to bring your history.
      </p>
      <div className="dialog-actions">
        <button type="button" onClick={onCancel}>
          Cancel
        </button>
        <button type="button" onClick={onConfirm} disabled={busy} data-testid="confirm-sign-out">
          Unlink and sign out
        </button>
      </div>
    </Dialog>
  );
}
