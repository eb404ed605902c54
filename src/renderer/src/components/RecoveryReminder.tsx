/**
 * Presentational: the messenger's reminder while the account's recovery key is missing, not typed back on
 * this device, replaced on another device, or refused (docs/desktop.md "Recovery key"). It opens the
 * recovery key dialog; "Later" puts it off until the next start, except when managed policy requires the
 * key (no sending until it is confirmed) or the backup was changed without the account's signature.
 */
import type { RecoveryStatus } from '../state/recoverySlice';

export interface RecoveryReminderProps {
  state: RecoveryStatus['state'];
  required: boolean;
  onOpen(): void;
  onLater(): void;
}

const TEXT: Record<Exclude<RecoveryStatus['state'], 'confirmed'>, { text: string; action: string }> = {
  none: {
    text: 'Your account has no recovery key. If you lose this computer, you lose your account and its messages.',
    action: 'Make a recovery key',
  },
  unconfirmed: { text: 'You have not confirmed your recovery key yet. Type it back once so you know it works.', action: 'Confirm my recovery key' },
  replaced: { text: 'Your recovery key was replaced on another of your devices, and the old one no longer works.', action: 'Check my new key' },
  changed: {
    text: 'The key backup on the server was changed without your account’s signature, so it is not used. Make a new recovery key on this device.',
    action: 'Open recovery key',
  },
};

export function RecoveryReminder({ state, required, onOpen, onLater }: RecoveryReminderProps) {
  if (state === 'confirmed') return null;
  const { text, action } = TEXT[state];
  return (
    <div role="status" className={`banner ${required || state === 'changed' ? 'warning' : 'notice'}`} data-testid="recovery-reminder" data-state={state}>
      <p>
        {text}
        {required && ' Your organisation requires a confirmed recovery key before you can send messages.'}
      </p>
      <p>
        <button type="button" onClick={onOpen} data-testid="recovery-reminder-open">
          {action}
        </button>{' '}
        {!required && state !== 'changed' && (
          <button type="button" className="ghost" onClick={onLater} data-testid="recovery-reminder-later">
            Later
          </button>
        )}
      </p>
    </div>
  );
}
