/**
 * Presentational: onboarding (create an account, sign in, or link this device as in docs/protocol.md §14).
 * Three tabs of labelled forms, "Create account" first and chosen for a new install (a device that was
 * revoked opens on "Link this device"); the link tab shows the link code and its QR for an existing device,
 * then the confirmation code to compare. When a sign-in answers that the account needs a device link, a
 * "Link this device instead" button moves to the link tab with the username and password already filled. With company single sign-on (`choices.sso`) a "Sign in with <name>"
 * button comes first; the password tabs show only when the organisation and policy allow passwords
 * (docs/desktop.md "Single sign-on"). Errors are main's typed errors. Props only.
 */
import { useState, type FormEvent } from 'react';
import type { LinkOffer, LinkStatus, RegisterInput, SignInChoices } from '../state/sessionSlice';
import type { UiError } from '../model/uiError';
import { ErrorNotice } from './ErrorNotice';
import { Field } from './Field';
import { QrImage } from './QrImage';
import { linkStateText } from '../model/linkState';
import type { RestoreInput } from '../state/recoverySlice';
import type { AccountResetRequestView, ResetAccountArgs } from '../../../common/ipc/schemas/recovery';
import { RecoveryRestoreForm } from './RecoveryRestoreForm';

export type OnboardingTab = 'signIn' | 'register' | 'link' | 'restore';

export interface OnboardingProps {
  busy: boolean;
  error: UiError | null;
  server: { url: string; local: boolean } | null;
  /** This device was revoked from another one and erased its keys. */
  revoked: boolean;
  linkOffer: LinkOffer | null;
  linkStatus: LinkStatus | null;
  onSignIn(input: { username: string; password: string; deviceName: string }): void;
  onRegister(input: RegisterInput): void;
  onStartLink(input: { username: string; password: string; deviceName: string }): void;
  onCheckLink(): void;
  onOpenSettings(): void;
  /** What to offer; null (not known) shows every form. */
  choices?: SignInChoices | null;
  ssoPending?: boolean;
  onSso?(deviceName: string): void;
  onCancelSso?(): void;
  /** "Use your recovery key" for an account with no device left (RecoveryRestoreForm); absent, not offered. */
  restore?: {
    busy: boolean;
    error: UiError | null;
    onRestore(input: RestoreInput): void;
    onReset?(input: ResetAccountArgs): void;
    /** A reset this profile asked for that waits (docs/protocol.md §18.9), and how to finish it. */
    pendingReset?: AccountResetRequestView | null;
    onFinishReset?(): void;
    /** Now, to say how long a waiting reset has left. */
    now?: number;
  };
}

const TABS: { id: OnboardingTab; label: string }[] = [
  { id: 'register', label: 'Create account' },
  { id: 'signIn', label: 'Sign in' },
  { id: 'link', label: 'Link this device' },
  { id: 'restore', label: 'Use recovery key' },
];

/** What the sign-in and link forms share, so "Link this device instead" keeps what was typed. */
interface Credentials {
  username: string;
  password: string;
  deviceName: string;
}

/** The tabs this device offers: the password forms only where passwords are allowed, "create" only with open registration. */
function tabsFor(choices: SignInChoices | null | undefined, restore: boolean) {
  const offered = TABS.filter((t) => t.id !== 'restore' || restore);
  if (!choices) return offered;
  return offered.filter((t) =>
    t.id === 'restore'
      ? choices.password || choices.sso !== null
      : t.id === 'signIn'
        ? choices.password
        : t.id === 'register'
          ? choices.password && choices.registration === 'open'
          : choices.password && choices.deviceLink,
  );
}

export function Onboarding(props: OnboardingProps) {
  const tabs = tabsFor(props.choices, props.restore !== undefined);
  const [chosen, setTab] = useState<OnboardingTab>(props.revoked ? 'link' : 'register');
  const [credentials, setCredentials] = useState<Credentials>({ username: '', password: '', deviceName: 'Desktop' });
  // A reset this profile asked for waits: the recovery tab, where it shows until when, comes first.
  const waiting = props.restore?.pendingReset?.requestedHere === true && tabs.some((t) => t.id === 'restore');
  const tab = waiting && chosen === 'register' ? 'restore' : tabs.some((t) => t.id === chosen) ? chosen : tabs[0]?.id;
  const offerLink = tab === 'signIn' && props.error?.code === 'needs_device_link' && tabs.some((t) => t.id === 'link');
  // No device left to link from: the recovery key is the other way in.
  const offerRestore = tab === 'signIn' && props.error?.code === 'needs_device_link' && tabs.some((t) => t.id === 'restore');
  const forms = { ...props, credentials, onCredentials: setCredentials };
  const sso = props.choices?.sso ?? null;
  // Company sign-in only: no password tabs, so the recovery key is not a tab (a lone tab would open its form
  // on every first start and hide the sign-in's errors) but a button that opens it.
  const restoreOnly = sso !== null && tabs.length === 1 && tabs[0]?.id === 'restore';
  const [openedRestore, setRestoreOpen] = useState(false);
  // A reset this profile asked for waits: its form (until when, finish) is open from the start.
  const restoreOpen = openedRestore || waiting;
  return (
    <section className="onboarding" aria-labelledby="onboarding-title" data-testid="onboarding">
      <header className="onboarding-header">
        <h1 id="onboarding-title">Seed Messenger</h1>
        <button type="button" className="ghost" onClick={props.onOpenSettings}>
          Settings
        </button>
      </header>
      {props.server && (
        <p className="muted" data-testid="server-info" title={props.server.url || undefined}>
          {props.server.local
            ? 'No company server is set up: accounts on this computer talk only to each other.'
            : props.server.url
              ? `Company server: ${hostOf(props.server.url)}`
              : 'No server is configured. Ask your IT team, or open Settings.'}
        </p>
      )}
      {props.revoked && (
        <p role="alert" className="notice bad" data-testid="device-revoked">
          This device was removed from your account on another device, and its keys were erased from this computer. Link it again to read your conversations
          here.
        </p>
      )}
      {sso && <SsoSection {...props} displayName={sso.displayName} />}
      {props.choices && !sso && tabs.length === 0 && (
        <p role="alert" className="notice bad" data-testid="no-sign-in-method">
          Your organisation allows no way of signing in that this server offers. Ask your IT administrator.
        </p>
      )}
      {restoreOnly && props.restore && (
        <section aria-label="Use recovery key" className="restore-only" data-testid="restore-only">
          {restoreOpen ? (
            <RecoveryRestoreForm {...props.restore} initial={credentials} sso={sso} />
          ) : (
            <p className="muted">
              Lost every device signed in to your account?{' '}
              <button type="button" className="ghost" aria-expanded={false} onClick={() => setRestoreOpen(true)} data-testid="restore-open">
                Use recovery key
              </button>
            </p>
          )}
        </section>
      )}
      {tabs.length > 0 && !restoreOnly && (
        <div role="tablist" aria-label="How to start" className="tabs">
          {tabs.map((t) => (
            <button
              key={t.id}
              type="button"
              role="tab"
              id={`tab-${t.id}`}
              aria-selected={tab === t.id}
              aria-controls={`panel-${t.id}`}
              onClick={() => setTab(t.id)}
            >
              {t.label}
            </button>
          ))}
        </div>
      )}
      {tab !== undefined && !restoreOnly && (
        <div role="tabpanel" id={`panel-${tab}`} aria-labelledby={`tab-${tab}`} className="tab-panel">
          {tab === 'signIn' && <SignInForm {...forms} />}
          {tab === 'register' && <RegisterForm {...props} />}
          {tab === 'link' && <LinkForm {...forms} />}
          {tab === 'restore' && props.restore && (
            <RecoveryRestoreForm {...props.restore} initial={credentials} sso={props.choices && !props.choices.password ? props.choices.sso : null} />
          )}
        </div>
      )}
      {(restoreOnly ? !restoreOpen : tab !== 'restore') && <ErrorNotice error={props.error} testId="onboarding-error" />}
      {offerLink && (
        <button type="button" className="primary" onClick={() => setTab('link')} data-testid="link-instead">
          Link this device instead
        </button>
      )}
      {offerRestore && (
        <button type="button" onClick={() => setTab('restore')} data-testid="restore-instead">
          No other device? Use your recovery key
        </button>
      )}
    </section>
  );
}

/** The host name of a server address, as people read it (the full address stays in the tooltip). */
function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return url;
  }
}

function submit(e: FormEvent, action: () => void) {
  e.preventDefault();
  action();
}

/** "Sign in with <Company SSO>": main opens the system browser; a new device of an account with devices shows its link code here. */
function SsoSection(props: OnboardingProps & { displayName: string }) {
  const [deviceName, setDeviceName] = useState('Desktop');
  const { busy, ssoPending, onSso, onCancelSso, linkOffer, displayName } = props;
  return (
    <section className="sso" aria-label="Company sign-in" data-testid="sso-section">
      <form aria-label={`Sign in with ${displayName}`} onSubmit={(e) => submit(e, () => onSso?.(deviceName))}>
        <Field label="Device name" value={deviceName} onChange={setDeviceName} required maxLength={64} />
        <button type="submit" disabled={busy} data-testid="sso-sign-in">
          Sign in with {displayName}
        </button>
      </form>
      {ssoPending && (
        <p role="status" data-testid="sso-pending">
          Finish signing in with {displayName} in your web browser, then come back here.{' '}
          <button type="button" className="ghost" onClick={onCancelSso} data-testid="sso-cancel">
            Cancel
          </button>
        </p>
      )}
      {linkOffer && !props.choices?.password && (
        <LinkForm {...props} credentials={{ username: '', password: '', deviceName }} onCredentials={() => undefined} />
      )}
    </section>
  );
}

type FormProps = OnboardingProps & { credentials: Credentials; onCredentials(next: Credentials): void };

/** The shared username, password and device name as three setters. */
function useCredentials({ credentials, onCredentials }: FormProps) {
  const set = (key: keyof Credentials) => (value: string) => onCredentials({ ...credentials, [key]: value });
  return { ...credentials, setUsername: set('username'), setPassword: set('password'), setDeviceName: set('deviceName') };
}

function SignInForm(props: FormProps) {
  const { busy, onSignIn } = props;
  const { username, password, deviceName, setUsername, setPassword, setDeviceName } = useCredentials(props);
  return (
    <form aria-label="Sign in" onSubmit={(e) => submit(e, () => onSignIn({ username, password, deviceName }))}>
      <Field label="Username" value={username} onChange={setUsername} autoComplete="username" required minLength={3} maxLength={32} />
      <Field label="Password" type="password" value={password} onChange={setPassword} autoComplete="current-password" required minLength={10} />
      <Field label="Device name" value={deviceName} onChange={setDeviceName} required maxLength={64} />
      <button type="submit" disabled={busy} data-testid="sign-in-submit">
        {busy ? 'Signing in…' : 'Sign in'}
      </button>
    </form>
  );
}

function RegisterForm({ busy, onRegister }: OnboardingProps) {
  const [username, setUsername] = useState('');
  const [displayName, setDisplayName] = useState('');
  const [password, setPassword] = useState('');
  const [deviceName, setDeviceName] = useState('Desktop');
  return (
    <form aria-label="Create account" onSubmit={(e) => submit(e, () => onRegister({ username, displayName, password, deviceName }))}>
      <Field label="Username" value={username} onChange={setUsername} autoComplete="username" required minLength={3} maxLength={32} />
      <Field label="Display name" value={displayName} onChange={setDisplayName} required maxLength={64} />
      <Field
        label="Password (at least 10 characters)"
        type="password"
        value={password}
        onChange={setPassword}
        autoComplete="new-password"
        required
        minLength={10}
      />
      <Field label="Device name" value={deviceName} onChange={setDeviceName} required maxLength={64} />
      <button type="submit" disabled={busy} data-testid="register-submit">
        {busy ? 'Creating…' : 'Create account'}
      </button>
    </form>
  );
}

function LinkForm(props: FormProps) {
  const { busy, linkOffer, linkStatus, onStartLink, onCheckLink } = props;
  const { username, password, deviceName, setUsername, setPassword, setDeviceName } = useCredentials(props);
  if (linkOffer === null) {
    return (
      <form aria-label="Link this device" onSubmit={(e) => submit(e, () => onStartLink({ username, password, deviceName }))}>
        <p>Link this computer to an account you already use on another device. Your other device approves it and shares your keys.</p>
        <Field label="Username" value={username} onChange={setUsername} autoComplete="username" required minLength={3} maxLength={32} />
        <Field label="Password" type="password" value={password} onChange={setPassword} autoComplete="current-password" required minLength={10} />
        <Field label="Device name" value={deviceName} onChange={setDeviceName} required maxLength={64} />
        <button type="submit" disabled={busy} data-testid="link-start">
          Show link code
        </button>
      </form>
    );
  }
  return (
    <div className="link-offer" data-testid="link-offer">
      <p>On your other device, open Devices → Link another device and enter or scan this code:</p>
      <p className="code" data-testid="link-code">
        {linkOffer.linkCode}
      </p>
      <QrImage payload={linkOffer.qrPayload} label="QR code of the link code" testId="link-qr" />
      <p className="muted">The code expires at {new Date(linkOffer.expiresAt).toLocaleTimeString()}.</p>
      {linkStatus?.confirmationCode && (
        <p>
          Type this confirmation code on your other device to approve this one: <strong data-testid="link-confirmation">{linkStatus.confirmationCode}</strong>
        </p>
      )}
      <p role="status" data-testid="link-state">
        {linkStatus ? linkStateText(linkStatus) : 'Waiting for the other device…'}
      </p>
      <button type="button" onClick={onCheckLink}>
        Check status
      </button>
    </div>
  );
}
