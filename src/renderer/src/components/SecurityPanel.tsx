/**
 * Presentational: the security panel (key version, rotate now, verification as in docs/protocol.md §10.1,
 * verified badge, identity-changed banner). It shows this user's own code to read out to the contact, and
 * takes the contact's code as typed from their screen: main checks it against the key it holds and marks
 * them verified, or accepts their changed key. For a direct conversation it shows the peer; for a group,
 * each member's verification state, and one member on demand. Under the key version it says whether the
 * conversation is post-quantum protected (`PostQuantumMark`, docs/protocol.md §5.1).
 */
import { useState, type ReactNode } from 'react';
import type { ConversationSummary } from '../../../common/ipc/schemas/conversations';
import type { ContactTrust } from '../../../common/ipc/schemas/verification';
import { safetyNumberRows } from '../model/safetyNumber';
import type { UiError } from '../model/uiError';
import { Dialog } from './Dialog';
import { ErrorNotice } from './ErrorNotice';
import { Field } from './Field';

export interface SecurityPanelProps {
  conversation: ConversationSummary;
  selfUserId: string | null;
  trust: Readonly<Record<string, ContactTrust>>;
  focusUserId: string | null;
  busy: boolean;
  error: UiError | null;
  onRotate(): void;
  onFocus(userId: string): void;
  /** Marks verified with the contact's code typed from their screen (main checks it). */
  onVerify(userId: string, contactCode: string): void;
  /** Accepts a changed identity key with the contact's code typed from their screen (main checks it). */
  onAcknowledge(userId: string, contactCode: string): void;
  onClose(): void;
  /** The key changes of the loaded history (KeyChanges), shown under the key version. */
  keyChanges?: ReactNode;
}

const STATE_TEXT = { verified: 'Verified', unverified: 'Not verified', changed: 'Safety number changed' } as const;

export function SecurityPanel(props: SecurityPanelProps) {
  const { conversation: c } = props;
  // By name, as people look for them (the conversation's order follows random user ids).
  const others = c.members.filter((m) => m.userId !== props.selfUserId).sort((x, y) => x.displayName.localeCompare(y.displayName));
  const focus = props.focusUserId ?? (c.kind === 'direct' ? (others[0]?.userId ?? null) : null);
  const focused = focus === null ? undefined : props.trust[focus];
  const focusedName = others.find((m) => m.userId === focus)?.displayName ?? '';
  const [contactCode, setContactCode] = useState('');
  return (
    <Dialog title="Security" onClose={props.onClose} testId="security-panel">
      <section aria-label="Conversation key">
        <p>
          Conversation key version <strong data-testid="key-version">{c.keyVersion}</strong>
          {c.needsRotation && <span className="warning-text"> — a new key is due before the next message</span>}
        </p>
        <PostQuantumMark status={c.postQuantum} />
        <button type="button" onClick={props.onRotate} disabled={props.busy} data-testid="rotate-key">
          Rotate key now
        </button>
      </section>
      {props.keyChanges}
      {c.kind === 'group' && (
        <ul className="member-list" aria-label="Members' verification">
          {others.map((m) => (
            <li key={m.userId}>
              <span>{m.displayName}</span>
              <TrustBadge trust={props.trust[m.userId]} />
              <button type="button" onClick={() => props.onFocus(m.userId)}>
                Safety number of {m.displayName}
              </button>
            </li>
          ))}
        </ul>
      )}
      {focus !== null && focused && (
        <section aria-label={`Safety number with ${focusedName}`} data-testid="safety-number-section">
          <h3>
            Safety number with {focusedName} <TrustBadge trust={focused} />
          </h3>
          {focused.state === 'changed' && (
            <div role="alert" className="banner warning" data-testid="identity-changed-banner">
              <p>
                {focusedName}&apos;s identity key changed. Ask {focusedName}, in person or on a call you trust, for the code their device shows now, and type it
                below to accept the new key.
              </p>
            </div>
          )}
          {focused.companyIdentity && (
            <p data-testid="company-identity">
              Company account:{' '}
              <strong>
                <bdi>{focused.companyIdentity.subject}</bdi>
              </strong>{' '}
              at <bdi>{companyHost(focused.companyIdentity.issuer)}</bdi> — every device of {focusedName} names it, signed with their key and checked by your
              organisation&apos;s server when the device was added.
            </p>
          )}
          <p>Your code — read it to {focusedName}, who types it on their device:</p>
          <div className="safety-number" data-testid="own-code" aria-label="Your code">
            {safetyNumberRows(focused.ownCode, 3).map((row, i) => (
              <p key={i}>{row.join(' ')}</p>
            ))}
          </div>
          {focused.state !== 'verified' && (
            <form
              onSubmit={(e) => {
                e.preventDefault();
                const typed = contactCode.trim();
                if (typed === '') return;
                if (focused.state === 'changed') props.onAcknowledge(focused.userId, typed);
                else props.onVerify(focused.userId, typed);
                setContactCode('');
              }}
            >
              <Field
                label={`${focusedName}'s code, as their device shows it`}
                value={contactCode}
                onChange={setContactCode}
                inputMode="numeric"
                maxLength={256}
                autoComplete="off"
                data-testid="contact-code"
              />
              <button type="submit" disabled={props.busy || contactCode.trim() === ''} data-testid="mark-verified">
                {focused.state === 'changed' ? 'Accept the new key' : 'Verify'}
              </button>
            </form>
          )}
        </section>
      )}
      {focus !== null && !focused && <p aria-busy="true">Loading the safety number…</p>}
      <ErrorNotice error={props.error} testId="security-error" />
    </Dialog>
  );
}

/**
 * Whether the current key version is post-quantum protected, as main computed it (`postQuantumStatus`,
 * src/client/postQuantum.ts): `protected` when every device's copy of the key is sealed with X-Wing
 * (hybrid ML-KEM + X25519), `partial` when at least one device has no X-Wing key (an older app), so its
 * copy is X25519 only. Nothing while unknown (a version this device does not hold yet): no claim either way.
 * A plain sentence, and a line that explains it.
 */
export function PostQuantumMark({ status }: { status: ConversationSummary['postQuantum'] }) {
  if (status === 'protected') {
    return (
      <div className="post-quantum" data-testid="post-quantum-status" data-status="protected">
        <p>
          <strong className="ok">
            <span aria-hidden="true">✔ </span>Post-quantum protected
          </strong>
        </p>
        <p className="muted">
          Every device&apos;s copy of this conversation&apos;s key is sealed with a hybrid post-quantum method, so messages recorded today stay private even if
          a quantum computer can one day break today&apos;s encryption.
        </p>
      </div>
    );
  }
  if (status === 'partial') {
    return (
      <div className="post-quantum" data-testid="post-quantum-status" data-status="partial">
        <p>
          <strong className="warning-text">Not fully post-quantum protected:</strong> at least one device in this conversation uses an older version of the app.
        </p>
        <p className="muted">
          That device&apos;s copy of the key is sealed with classical encryption only, which a future quantum computer could break for messages recorded today.
          The conversation becomes fully protected once every device is set up with a current version and the key is rotated.
        </p>
      </div>
    );
  }
  return null;
}

export function TrustBadge({ trust }: { trust: ContactTrust | undefined }) {
  if (!trust) return null;
  return (
    <span className={`trust-badge ${trust.state}`} data-testid="trust-badge">
      {trust.state === 'verified' ? '✔ ' : ''}
      {STATE_TEXT[trust.state]}
    </span>
  );
}

/** The provider as a person reads it: its host (with the path when it has one), not the whole URL. */
function companyHost(issuer: string): string {
  try {
    const url = new URL(issuer);
    return `${url.host}${url.pathname === '/' ? '' : url.pathname}`;
  } catch {
    return issuer;
  }
}
