/**
 * Presentational: the security panel (key version, rotate now, safety number with QR as in
 * docs/protocol.md §10, verified badge, identity-changed banner). For a direct conversation it shows the
 * peer's safety number as digits and QR; for a group, each member's verification state with their own
 * safety number on demand.
 */
import type { ConversationSummary } from '../../../common/ipc/schemas/conversations';
import type { ContactTrust } from '../../../common/ipc/schemas/verification';
import { safetyNumberRows } from '../model/safetyNumber';
import type { UiError } from '../model/uiError';
import { Dialog } from './Dialog';
import { ErrorNotice } from './ErrorNotice';
import { QrImage } from './QrImage';

export interface SecurityPanelProps {
  conversation: ConversationSummary;
  selfUserId: string | null;
  trust: Readonly<Record<string, ContactTrust>>;
  focusUserId: string | null;
  busy: boolean;
  error: UiError | null;
  onRotate(): void;
  onFocus(userId: string): void;
  onVerify(userId: string): void;
  onAcknowledge(userId: string): void;
  onClose(): void;
}

const STATE_TEXT = { verified: 'Verified', unverified: 'Not verified', changed: 'Safety number changed' } as const;

export function SecurityPanel(props: SecurityPanelProps) {
  const { conversation: c } = props;
  const others = c.members.filter((m) => m.userId !== props.selfUserId);
  const focus = props.focusUserId ?? (c.kind === 'direct' ? (others[0]?.userId ?? null) : null);
  const focused = focus === null ? undefined : props.trust[focus];
  const focusedName = others.find((m) => m.userId === focus)?.displayName ?? '';
  return (
    <Dialog title="Security" onClose={props.onClose} testId="security-panel">
      <section aria-label="Conversation key">
        <p>
          Conversation key version <strong data-testid="key-version">{c.keyVersion}</strong>
          {c.needsRotation && <span className="warning-text"> — a new key is due before the next message</span>}
        </p>
        <button type="button" onClick={props.onRotate} disabled={props.busy} data-testid="rotate-key">
          Rotate key now
        </button>
      </section>
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
              <p>{focusedName}&apos;s identity key changed. Compare the new safety number in person or over a call you trust.</p>
              <button type="button" onClick={() => props.onAcknowledge(focused.userId)} data-testid="acknowledge-identity">
                Acknowledge the change
              </button>
            </div>
          )}
          <div className="safety-number" data-testid="safety-number" aria-label="Safety number digits">
            {safetyNumberRows(focused.safetyNumber).map((row, i) => (
              <p key={i}>{row.join(' ')}</p>
            ))}
          </div>
          <QrImage payload={focused.qrPayload} label={`QR code of the safety number with ${focusedName}`} testId="safety-qr" />
          {focused.state !== 'verified' && (
            <button
              type="button"
              onClick={() => props.onVerify(focused.userId)}
              disabled={props.busy || focused.state === 'changed'}
              data-testid="mark-verified"
            >
              Mark as verified
            </button>
          )}
        </section>
      )}
      {focus !== null && !focused && <p aria-busy="true">Loading the safety number…</p>}
      <ErrorNotice error={props.error} testId="security-error" />
    </Dialog>
  );
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
