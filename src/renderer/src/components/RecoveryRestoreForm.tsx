/**
 * Presentational: "Use your recovery key" on the sign-in screen (docs/desktop.md "Recovery key"): for an
 * account with no device left to link this one from. Username, password, the recovery key and this device's
 * name — or, where the organisation signs in with its company account only (`sso`), no password: main runs
 * that sign-in in the browser. Main signs in, opens the account key with the recovery key and restores the message keys. A wrong,
 * replaced or mistyped key reads as a sentence (the code is in "Details" and the log). Below it, closed,
 * the reset for when the recovery key is lost too (AccountResetSection).
 */
import { useState } from 'react';
import type { UiError } from '../model/uiError';
import type { AccountResetRequestView, ResetAccountArgs } from '../../../common/ipc/schemas/recovery';
import type { RestoreInput } from '../state/recoverySlice';
import { AccountResetSection } from './AccountResetSection';
import { ErrorNotice } from './ErrorNotice';
import { Field } from './Field';

export interface RecoveryRestoreFormProps {
  busy: boolean;
  error: UiError | null;
  /** What the sign-in form already holds (kept when switching here from it). */
  initial: { username: string; password: string; deviceName: string };
  onRestore(input: RestoreInput): void;
  /** The company sign-in instead of a password (the provider's name), when the organisation allows no password. */
  sso?: { displayName: string } | null;
  /** The last resort (AccountResetSection): absent, not offered. */
  onReset?(input: ResetAccountArgs): void;
  /** A reset this profile asked for that waits (AccountResetSection shows until when), and how to finish it. */
  pendingReset?: AccountResetRequestView | null;
  onFinishReset?(): void;
  /** Now, to say how long a waiting reset has left. */
  now?: number;
}

export function RecoveryRestoreForm({ busy, error, initial, onRestore, onReset, sso, pendingReset, onFinishReset, now }: RecoveryRestoreFormProps) {
  const [username, setUsername] = useState(initial.username);
  const [password, setPassword] = useState(initial.password);
  const [recoveryKey, setRecoveryKey] = useState('');
  const [deviceName, setDeviceName] = useState(initial.deviceName);
  return (
    <form
      aria-label="Restore with your recovery key"
      data-testid="restore-form"
      onSubmit={(e) => {
        e.preventDefault();
        onRestore(sso ? { method: 'sso', recoveryKey, deviceName } : { username, password, recoveryKey, deviceName });
      }}
    >
      <p>
        Lost every device signed in to your account? Use the recovery key you saved when you set it up. Your account, your contacts and your message history
        come back on this computer.
      </p>
      {!sso && (
        <>
          <Field label="Username" value={username} onChange={setUsername} autoComplete="username" required minLength={3} maxLength={32} />
          <Field label="Password" type="password" value={password} onChange={setPassword} autoComplete="current-password" required minLength={10} />
        </>
      )}
      <Field
        label="Recovery key (groups of four; spaces and dashes do not matter)"
        value={recoveryKey}
        onChange={setRecoveryKey}
        autoComplete="off"
        spellCheck={false}
        required
        maxLength={200}
        data-testid="restore-key"
      />
      <Field label="Device name" value={deviceName} onChange={setDeviceName} required maxLength={64} />
      <button type="submit" disabled={busy} data-testid="restore-submit">
        {busy ? 'Restoring…' : sso ? `Sign in with ${sso.displayName} and restore` : 'Restore my account'}
      </button>
      <ErrorNotice error={error} testId="restore-error" />
      {onReset && (
        <AccountResetSection
          busy={busy}
          credentials={sso ? { method: 'sso', deviceName } : { username, password, deviceName }}
          onReset={onReset}
          pending={pendingReset ?? null}
          {...(now !== undefined ? { now } : {})}
          {...(onFinishReset ? { onFinish: onFinishReset } : {})}
        />
      )}
    </form>
  );
}
