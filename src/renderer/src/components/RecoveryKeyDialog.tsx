/**
 * Presentational: the recovery key dialog (docs/desktop.md "Recovery key"). With no key yet it explains what
 * the key is for and makes one after the account password is typed (main checks it). A key just made is
 * shown once — in groups of four to write down, as a QR code and as a text file to save — then hidden while
 * the person types it back to confirm it. Later the same dialog checks a typed key, and replaces the key
 * (password again; the old key stops working). Props only.
 */
import { useState, type FormEvent } from 'react';
import type { NewRecoveryKey, RecoveryReauthArgs, RecoveryStatus } from '../state/recoverySlice';
import type { UiError } from '../model/uiError';
import { recoveryKeyFile, recoveryKeyRows } from '../model/recoveryKey';
import { Dialog } from './Dialog';
import { ErrorNotice } from './ErrorNotice';
import { Field } from './Field';
import { QrImage } from './QrImage';

export interface RecoveryKeyDialogProps {
  status: RecoveryStatus | null;
  shown: NewRecoveryKey | null;
  username: string;
  busy: boolean;
  error: UiError | null;
  /** Makes the first key, or replaces the current one; resolves true when the new key is shown. */
  onMake(who: RecoveryReauthArgs, replace: boolean): Promise<boolean>;
  /**
   * How this account proves who is at the keyboard before a key is made: its password (`password`), and/or
   * the company sign-in (`sso`: the provider's name) for an account that has no password. Default: password.
   */
  reauth?: { password: boolean; sso: { displayName: string } | null };
  /** Checks a typed key; resolves true when it matched (it is then confirmed on this device). */
  onVerify(typed: string): Promise<boolean>;
  onClose(): void;
}

const STATE_TEXT: Record<RecoveryStatus['state'], string> = {
  none: 'Your account has no recovery key yet.',
  unconfirmed: 'Your account has a recovery key, but you have not typed it back on this device yet.',
  confirmed: 'Your recovery key is set up and was typed back on this device.',
  replaced: 'Your recovery key was replaced on another of your devices. The old key no longer works: type the new one to check you have it.',
  changed:
    'The key backup on the server was changed without your account’s signature, so this device does not use it. Make a new recovery key here, and tell your IT team.',
};

function submit(e: FormEvent, action: () => void) {
  e.preventDefault();
  action();
}

export function RecoveryKeyDialog(props: RecoveryKeyDialogProps) {
  const [step, setStep] = useState<'show' | 'confirm'>('show');
  const [checked, setChecked] = useState(false);
  const { status, shown } = props;
  const close = props.onClose;
  return (
    <Dialog title="Recovery key" onClose={close} testId="recovery-dialog">
      {shown !== null && step === 'show' ? (
        <ShowKey shown={shown} username={props.username} onNext={() => setStep('confirm')} />
      ) : (
        <>
          {status !== null && shown === null && (
            <p data-testid="recovery-state" data-state={status.state}>
              {STATE_TEXT[status.state]}
              {status.required && status.state !== 'confirmed' && ' Your organisation requires it before you can send messages.'}
            </p>
          )}
          {status === null && <p aria-busy="true">Checking your recovery key…</p>}
          {status?.state === 'none' && <MakeKey {...props} replace={false} />}
          {status !== null && status.state !== 'none' && status.state !== 'changed' && (
            <TypeBack
              busy={props.busy}
              justMade={shown !== null}
              onBack={shown === null ? undefined : () => setStep('show')}
              onVerify={async (typed) => {
                const ok = await props.onVerify(typed);
                setChecked(ok);
                return ok;
              }}
            />
          )}
          {checked && status?.state === 'confirmed' && (
            <p role="status" className="banner notice" data-testid="recovery-checked">
              That is your recovery key. Keep it somewhere safe, away from this computer.
            </p>
          )}
          {status !== null && status.state !== 'none' && shown === null && <MakeKey {...props} replace={true} />}
        </>
      )}
      <ErrorNotice error={props.error} testId="recovery-error" />
    </Dialog>
  );
}

/** The new key: in groups of four, as a QR code, and as a file to save; shown only until "Next". */
function ShowKey({ shown, username, onNext }: { shown: NewRecoveryKey; username: string; onNext(): void }) {
  const save = () => {
    const file = recoveryKeyFile(shown.recoveryKey, username);
    const url = URL.createObjectURL(new Blob([file.text], { type: 'text/plain' }));
    const a = document.createElement('a');
    a.href = url;
    a.download = file.name;
    a.click();
    URL.revokeObjectURL(url);
  };
  return (
    <section aria-label="Your new recovery key" data-testid="recovery-show">
      <p>
        Write this key down, or save it as a file somewhere other than this computer. With it and your password you can get your account and its messages back
        on a new device if you lose this one. Anyone who has it and your password can read your messages.
      </p>
      <div className="recovery-key" data-testid="recovery-key" aria-label="Recovery key, in groups of four">
        {recoveryKeyRows(shown.recoveryKey).map((row, i) => (
          <p key={i}>{row.join(' ')}</p>
        ))}
      </div>
      <QrImage payload={shown.recoveryKey} label="QR code of your recovery key" testId="recovery-qr" />
      <p className="muted">This key is shown only now. The app does not keep a copy.</p>
      <div className="dialog-actions">
        <button type="button" onClick={save} data-testid="recovery-save">
          Save as a file
        </button>
        <button type="button" className="primary" onClick={onNext} data-testid="recovery-next">
          I have written it down
        </button>
      </div>
    </section>
  );
}

/** Typing the key back: confirms it on this device after it is made, or checks it later. */
function TypeBack(props: { busy: boolean; justMade: boolean; onBack?: () => void; onVerify(typed: string): Promise<boolean> }) {
  const [typed, setTyped] = useState('');
  return (
    <form aria-label="Type your recovery key" onSubmit={(e) => submit(e, () => void props.onVerify(typed).then((ok) => ok && setTyped('')))}>
      <p>{props.justMade ? 'Type the key you wrote down, to make sure it is right.' : 'Type your recovery key to check that you still have it.'}</p>
      <Field
        label="Recovery key (groups of four; spaces and dashes do not matter)"
        value={typed}
        onChange={setTyped}
        autoComplete="off"
        spellCheck={false}
        maxLength={200}
        data-autofocus
        data-testid="recovery-typed"
      />
      <div className="dialog-actions">
        {props.onBack && (
          <button type="button" onClick={props.onBack}>
            Show the key again
          </button>
        )}
        <button type="submit" className="primary" disabled={props.busy || typed.trim() === ''} data-testid="recovery-verify">
          {props.justMade ? 'Confirm' : 'Check'}
        </button>
      </div>
    </form>
  );
}

/**
 * Making the first key, or replacing it: the account password first (main checks it at the server), or for
 * an account of the company sign-in, that sign-in again in the browser (main checks it is this account).
 */
function MakeKey(props: RecoveryKeyDialogProps & { replace: boolean }) {
  const [password, setPassword] = useState('');
  const [open, setOpen] = useState(!props.replace);
  const reauth = props.reauth ?? { password: true, sso: null };
  if (!open) {
    return (
      <button type="button" className="ghost" onClick={() => setOpen(true)} data-testid="recovery-replace-open">
        Replace recovery key…
      </button>
    );
  }
  return (
    <form
      aria-label={props.replace ? 'Replace your recovery key' : 'Make your recovery key'}
      onSubmit={(e) => submit(e, () => void props.onMake({ password }, props.replace).then((ok) => ok && setPassword('')))}
    >
      <p>
        {props.replace
          ? 'A new key replaces the current one, which then stops working everywhere. Your other devices will ask you to check the new key.'
          : 'A recovery key lets you get your account and its messages back if you lose every device you use it on. Only you will have it: the server cannot read it.'}
      </p>
      {reauth.password && (
        <>
          <Field
            label="Your account password"
            type="password"
            value={password}
            onChange={setPassword}
            autoComplete="current-password"
            required
            data-testid="recovery-password"
          />
          <button type="submit" className={props.replace ? 'danger' : 'primary'} disabled={props.busy || password === ''} data-testid="recovery-make">
            {props.replace ? 'Replace my recovery key' : 'Make my recovery key'}
          </button>
        </>
      )}
      {reauth.sso && (
        <>
          <p className="muted">{reauth.password ? 'Or, if your account uses the company sign-in:' : 'First sign in again with your company account.'}</p>
          <button
            type="button"
            className={reauth.password ? undefined : props.replace ? 'danger' : 'primary'}
            disabled={props.busy}
            data-testid="recovery-make-sso"
            onClick={() => void props.onMake({ method: 'sso' }, props.replace)}
          >
            {`Sign in with ${reauth.sso.displayName} and ${props.replace ? 'replace' : 'make'} the key`}
          </button>
        </>
      )}
    </form>
  );
}
