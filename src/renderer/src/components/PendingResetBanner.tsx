/**
 * Presentational: the messenger's warning on a signed-in device while a reset of the account waits
 * (docs/protocol.md §18.9 "The waiting period", docs/desktop.md "Recovery key"). Someone signed in with the
 * account's password (or company sign-in) on another computer and asked for a new identity; unless this
 * device cancels it, the reset finishes when the period ends and this device is signed out for good. After
 * "Cancel the reset" it says the reset will not happen and that the password should be changed.
 */
import type { AccountResetRequestView } from '../../../common/ipc/schemas/recovery';

export interface PendingResetBannerProps {
  request: AccountResetRequestView | null;
  /** The person cancelled it from this device, in this run of the app. */
  cancelledHere: boolean;
  busy: boolean;
  onCancel(): void;
  /** How a time reads (the container passes the locale's; tests a fixed one). */
  formatTime(ms: number): string;
}

const PLATFORM: Record<AccountResetRequestView['platform'], string> = { desktop: 'computer', mobile: 'phone', cli: 'command line' };

export function PendingResetBanner({ request, cancelledHere, busy, onCancel, formatTime }: PendingResetBannerProps) {
  if (request === null || request.requestedHere) return null;
  if (request.state === 'cancelled') {
    if (!cancelledHere) return null;
    return (
      <div role="status" className="banner notice" data-testid="pending-reset-banner" data-state="cancelled">
        <p>You cancelled the reset of your account: it will not happen. If you did not ask for it, change your password now.</p>
      </div>
    );
  }
  const from = `a ${PLATFORM[request.platform]} named “${request.deviceName}” (address ${request.address})`;
  return (
    <div role="alert" className="banner warning" data-testid="pending-reset-banner" data-state="waiting">
      <p>
        A reset of your account was requested on {formatTime(request.requestedAt)} from {from}. If this wasn’t you, cancel it and change your password. If
        nobody cancels it, your account gets a new identity on {formatTime(request.finishesAt)} and this device is signed out.
      </p>
      <p>
        <button type="button" className="danger" disabled={busy} onClick={onCancel} data-testid="pending-reset-cancel">
          {busy ? 'Cancelling…' : 'Cancel the reset'}
        </button>
      </p>
    </div>
  );
}
