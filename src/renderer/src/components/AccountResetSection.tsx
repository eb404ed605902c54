/**
 * Presentational: the last resort under "Use your recovery key" (docs/desktop.md "Recovery key",
 * docs/protocol.md §18.9) — the account's devices AND its recovery key are lost. Closed by default; opened,
 * it says what a reset costs and enables its button only once the person typed the phrase exactly. Main
 * checks the phrase again. While a device of the account is signed in the reset waits (§18.9 "The waiting
 * period"): this profile then shows, open, until when — unless a signed-in device cancels it — and a
 * button to finish it (the key service refuses before the period is over, `reset_waiting`).
 */
import { useState } from 'react';
import { ACCOUNT_RESET_PHRASE, type AccountResetRequestView, type ResetAccountArgs } from '../../../common/ipc/schemas/recovery';
import { Field } from './Field';

export interface AccountResetSectionProps {
  busy: boolean;
  /** The username, password and device name of the restore form above (or the company sign-in and the device name). */
  credentials: { username: string; password: string; deviceName: string } | { method: 'sso'; deviceName: string };
  onReset(input: ResetAccountArgs): void;
  /** The reset this profile asked for, when it waits (or a device cancelled it). */
  pending?: AccountResetRequestView | null;
  onFinish?(): void;
  /** How a time reads (the locale's in the app). */
  formatTime?(ms: number): string;
  /** Now, to say how long is left. */
  now?: number;
}

/** "3 days", "5 hours", "less than an hour": how long until `finishesAt`. */
export function timeLeft(finishesAt: number, now: number): string {
  const hours = Math.floor((finishesAt - now) / 3_600_000);
  if (hours >= 48) return `${Math.floor(hours / 24)} days`;
  if (hours >= 1) return `${hours} hour${hours === 1 ? '' : 's'}`;
  return finishesAt > now ? 'less than an hour' : 'no time';
}

export function AccountResetSection({ busy, credentials, onReset, pending, onFinish, formatTime, now }: AccountResetSectionProps) {
  const [typed, setTyped] = useState('');
  if (pending?.requestedHere) {
    const at = (formatTime ?? ((ms: number) => new Date(ms).toLocaleString()))(pending.finishesAt);
    return (
      <details className="account-reset" data-testid="account-reset" data-state={pending.state} open>
        <summary>Your account reset</summary>
        {pending.state === 'waiting' ? (
          <>
            <p data-testid="account-reset-waiting">
              Your reset will finish on {at} unless a signed-in device cancels it
              {now !== undefined && now < pending.finishesAt ? ` (${timeLeft(pending.finishesAt, now)} left)` : ''}. Another device of your account is still
              signed in, so it was told and can stop the reset. If you find that device, link this computer from it instead.
            </p>
            <button type="button" className="danger" disabled={busy || onFinish === undefined} data-testid="account-reset-finish" onClick={() => onFinish?.()}>
              {busy ? 'Finishing…' : 'Finish the reset'}
            </button>
          </>
        ) : (
          <p data-testid="account-reset-cancelled">A signed-in device of your account cancelled this reset, so it will not happen and nothing changed.</p>
        )}
      </details>
    );
  }
  const ready = typed === ACCOUNT_RESET_PHRASE && ('method' in credentials || (credentials.username !== '' && credentials.password !== ''));
  return (
    <details className="account-reset" data-testid="account-reset">
      <summary>Lost your recovery key too?</summary>
      <p>
        If no device of your account is signed in anywhere and the recovery key is lost, you can reset the account. You keep your username, but you get a new
        identity: everyone you talk to is told that your safety number changed, and messages from before the reset can no longer be read, here or anywhere. If
        any of your devices is still signed in, link this computer from it instead: a reset then waits 7 days (or what your organisation set), and that device
        can stop it.
      </p>
      <Field
        label={`To reset, type "${ACCOUNT_RESET_PHRASE}"`}
        value={typed}
        onChange={setTyped}
        autoComplete="off"
        spellCheck={false}
        maxLength={64}
        data-testid="account-reset-phrase"
      />
      <button
        type="button"
        className="danger"
        disabled={busy || !ready}
        data-testid="account-reset-submit"
        onClick={() => onReset({ ...credentials, typedPhrase: ACCOUNT_RESET_PHRASE })}
      >
        {busy ? 'Resetting…' : 'Reset my account'}
      </button>
    </details>
  );
}
