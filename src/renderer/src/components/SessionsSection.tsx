/**
 * Presentational: the account's sessions in the devices panel (docs/client.md "Sessions"). Lists every
 * live session — this device's, the account's other devices', and any opened with the password alone —
 * each with an "End" button; "Sign out everywhere else"; and a form to change the password. Ending the
 * sessions of the user's own devices is harmless (they sign in again by themselves); a session opened with
 * the password alone cannot, so ending it throws an intruder out. Errors are shown as a sentence; the code
 * goes to the log only.
 */
import { useEffect, useState } from 'react';
import type { AccountSessionView } from '../../../common/ipc/schemas/accountSessions';
import { sessionErrorText } from '../model/sessionErrors';
import type { UiError } from '../model/uiError';
import { Field } from './Field';

export interface SessionsSectionProps {
  sessions: readonly AccountSessionView[];
  loading: boolean;
  busy: boolean;
  notice: string | null;
  error: UiError | null;
  onEnd(sessionId: string): void;
  onEndOthers(): void;
  /** Resolves true when the password was changed (the form then clears). */
  onChangePassword(currentPassword: string, newPassword: string): Promise<boolean>;
}

function sessionLabel(s: AccountSessionView): string {
  if (s.kind === 'password') return 'Signed in with the password only (no device)';
  return s.deviceName ?? s.deviceId ?? 'A device';
}

const when = (ms: number) => new Date(ms).toLocaleString();

export function SessionsSection(props: SessionsSectionProps) {
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const { error } = props;
  useEffect(() => {
    if (error) console.warn(`[sessions] ${error.code}`);
  }, [error]);
  const others = props.sessions.filter((s) => !s.current);
  return (
    <section aria-labelledby="sessions-title" data-testid="sessions-section">
      <h3 id="sessions-title">Sessions</h3>
      <p className="muted">Where your account is signed in. End anything you do not recognise.</p>
      {props.loading && <p aria-busy="true">Loading sessions…</p>}
      <ul className="device-list" aria-label="Your sessions">
        {props.sessions.map((s) => (
          <li key={s.sessionId} data-testid="account-session" data-kind={s.kind} data-current={s.current ? 'true' : 'false'}>
            <span>
              {sessionLabel(s)}
              {s.current && <span className="badge-text"> this device</span>}
              <span className="muted">
                {' '}
                · signed in {when(s.createdAt)} · last active {when(s.lastUsedAt)}
              </span>
            </span>
            {!s.current && (
              <button
                type="button"
                disabled={props.busy}
                onClick={() => props.onEnd(s.sessionId)}
                aria-label={`End session: ${sessionLabel(s)}`}
                data-testid="end-session"
              >
                End
              </button>
            )}
          </li>
        ))}
      </ul>
      <button type="button" disabled={props.busy || others.length === 0} onClick={props.onEndOthers} data-testid="end-other-sessions">
        Sign out everywhere else
      </button>
      <form
        aria-labelledby="change-password-title"
        onSubmit={(e) => {
          e.preventDefault();
          void props.onChangePassword(current, next).then((changed) => {
            if (changed) {
              setCurrent('');
              setNext('');
            }
          });
        }}
      >
        <h4 id="change-password-title">Change password</h4>
        <Field
          label="Current password"
          type="password"
          value={current}
          onChange={setCurrent}
          autoComplete="current-password"
          required
          maxLength={256}
          data-testid="current-password"
        />
        <Field
          label="New password (at least 10 characters)"
          type="password"
          value={next}
          onChange={setNext}
          autoComplete="new-password"
          required
          minLength={10}
          maxLength={256}
          data-testid="new-password"
        />
        <button type="submit" disabled={props.busy || current === '' || next.length < 10} data-testid="change-password">
          Change password
        </button>
        <p className="muted">Changing the password signs out every other session. Your other devices sign in again by themselves.</p>
      </form>
      {props.notice && (
        <p role="status" data-testid="sessions-notice">
          {props.notice}
        </p>
      )}
      {error && (
        <p role="alert" className="error-notice" data-testid="sessions-error" data-code={error.code}>
          {sessionErrorText(error)}
        </p>
      )}
    </section>
  );
}
