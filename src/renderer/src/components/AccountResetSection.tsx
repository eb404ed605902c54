/**
 * Presentational: the last resort under "Use your recovery key" (docs/desktop.md "Recovery key",
 * docs/protocol.md §18.9) — the account's devices AND its recovery key are lost. Closed by default; opened,
 * it says what a reset costs and enables its button only once the person typed the phrase exactly. Main
 * checks the phrase again, and the key service refuses while a device of the account is signed in.
 */
import { useState } from 'react';
import { ACCOUNT_RESET_PHRASE, type ResetAccountArgs } from '../../../common/ipc/schemas/recovery';
import { Field } from './Field';

export interface AccountResetSectionProps {
  busy: boolean;
  /** The username, password and device name of the restore form above (or the company sign-in and the device name). */
  credentials: { username: string; password: string; deviceName: string } | { method: 'sso'; deviceName: string };
  onReset(input: ResetAccountArgs): void;
}

export function AccountResetSection({ busy, credentials, onReset }: AccountResetSectionProps) {
  const [typed, setTyped] = useState('');
  const ready = typed === ACCOUNT_RESET_PHRASE && ('method' in credentials || (credentials.username !== '' && credentials.password !== ''));
  return (
    <details className="account-reset" data-testid="account-reset">
      <summary>Lost your recovery key too?</summary>
      <p>
        If no device of your account is signed in anywhere and the recovery key is lost, you can reset the account. You keep your username, but you get a new
        identity: everyone you talk to is told that your safety number changed, and messages from before the reset can no longer be read, here or anywhere. If
        any of your devices is still signed in, link this computer from it instead.
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
