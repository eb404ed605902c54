/**
 * Presentational: who besides the members can recover this conversation (docs/desktop.md "Key custody",
 * docs/protocol.md §19). In escrow mode a permanent line says the organisation can recover it and shows the
 * recovery key's fingerprint; when the key service names another recovery key than the pinned one, a
 * warning with both fingerprints says new keys are not shared with it until the user accepts (never
 * possible when the organisation's managed policy pins the key). In server-trusted mode (§19.4) the
 * conversation is marked "Server-managed keys" with one sentence saying the organisation's server can read
 * it; when this device has not accepted such keys, a button accepts them (not offered against a managed
 * policy, which is then named). When the organisation's managed policy names another mode than the key
 * service announces (escrow or zero-trust), a warning names both instead. Nothing else is shown in
 * zero-trust mode.
 */
import type { CustodyStatusView } from '../../../common/ipc/schemas/custody';
import { Button } from './ui/Button';

/** The first 24 characters of a fingerprint in groups of four, for reading out. */
export function shortFingerprint(fingerprint: string): string {
  return (fingerprint.slice(0, 24).match(/.{1,4}/g) ?? []).join(' ');
}

export interface CustodyNoticeProps {
  status: CustodyStatusView | null;
  /** A plain sentence when the status could not be read. */
  problem: string | null;
  busy: boolean;
  onAccept(fingerprint: string): void;
  /** Accepts, on this device, keys the organisation's server makes (server-trusted mode). */
  onAcceptServerKeys?(): void;
  /** The one-line banner of the messenger window (every conversation), instead of the Security panel's section. */
  compact?: boolean;
}

/** The server-trusted sentence, and why this device does not read yet when it has not accepted. */
function ServerManaged({
  status,
  busy,
  onAcceptServerKeys,
  compact,
}: { status: CustodyStatusView } & Pick<CustodyNoticeProps, 'busy' | 'onAcceptServerKeys' | 'compact'>) {
  if (compact)
    return (
      <p role="note" className="banner" data-testid="custody-banner">
        Server-managed keys: your organisation&apos;s server can read your conversations.
      </p>
    );
  return (
    <section aria-label="Server-managed keys" data-testid="custody-server-managed">
      <p role="note">Server-managed keys: your organisation&apos;s server can read this conversation.</p>
      {status.serverKeys === 'refused' && (
        <p role="alert" className="banner warning" data-testid="custody-server-keys-refused">
          Your organisation&apos;s policy on this device allows only keys made by member devices, so messages under server-managed keys cannot be read here.
        </p>
      )}
      {status.serverKeys === 'ask' && (
        <div role="alert" className="banner warning" data-testid="custody-server-keys-ask">
          <p>This device does not read conversations under server-managed keys until you accept them.</p>
          <Button variant="secondary" loading={busy} onClick={() => onAcceptServerKeys?.()} data-testid="custody-accept-server-keys">
            Accept server-managed keys
          </Button>
        </div>
      )}
    </section>
  );
}

const MODE_NAMES = { 'zero-trust': 'zero-trust', escrow: 'escrow (organisation recovery)', 'server-trusted': 'server-managed' } as const;

/** The sentence shown when the managed policy names another custody mode than the key service announces. */
export function policyMismatchSentence(m: NonNullable<CustodyStatusView['policyMismatch']>): string {
  const what =
    m.served === 'escrow'
      ? 'This device does not share keys with the recovery key the server names, so sending may stop.'
      : 'This device follows what the server does until they agree.';
  return `Your organisation's policy on this device names ${MODE_NAMES[m.policy]} key custody, but the key service announces ${MODE_NAMES[m.served]} custody. ${what} Ask your IT department.`;
}

function PolicyMismatch({ mismatch, compact }: { mismatch: NonNullable<CustodyStatusView['policyMismatch']>; compact: boolean }) {
  return (
    <p role="alert" className="banner warning" data-testid={compact ? 'custody-banner' : 'custody-policy-mismatch'}>
      {policyMismatchSentence(mismatch)}
    </p>
  );
}

export function CustodyNotice({ status, problem, busy, onAccept, onAcceptServerKeys, compact = false }: CustodyNoticeProps) {
  // A server-trusted key service against a policy naming another mode is said by the "refused" sentence below.
  if (status?.policyMismatch != null && status.mode !== 'server-trusted' && (compact || problem === null))
    return <PolicyMismatch mismatch={status.policyMismatch} compact={compact} />;
  if (status?.mode === 'server-trusted' && (compact || problem === null))
    return <ServerManaged status={status} busy={busy} compact={compact} {...(onAcceptServerKeys ? { onAcceptServerKeys } : {})} />;
  if (compact) {
    if (status === null || status.mode !== 'escrow') return null;
    return status.recipientChanged !== null ? (
      <p role="alert" className="banner warning" data-testid="custody-banner">
        Your organisation&apos;s recovery key changed on the server, and this device does not trust the new one yet. Open a conversation&apos;s Security panel
        to compare fingerprints.
      </p>
    ) : (
      <p role="note" className="banner" data-testid="custody-banner">
        Your organisation can recover your conversations: every key is also encrypted to its recovery key. The Security panel shows its fingerprint.
      </p>
    );
  }
  if (problem !== null)
    return (
      <p className="muted" data-testid="custody-problem">
        {problem}
      </p>
    );
  if (status === null || status.mode !== 'escrow') return null;
  const changed = status.recipientChanged;
  return (
    <section aria-label="Organisation recovery" data-testid="custody-notice">
      <p role="note">
        Your organisation can recover this conversation: every key is also encrypted to its recovery key
        {status.fingerprint !== null && (
          <>
            {' '}
            (fingerprint <code data-testid="custody-fingerprint">{shortFingerprint(status.fingerprint)}</code>)
          </>
        )}
        .
      </p>
      {changed !== null && (
        <div role="alert" className="banner warning" data-testid="custody-recipient-changed">
          <p>
            The key service now names a different recovery key (<code>{shortFingerprint(changed.served)}</code>) than the one this device trusts (
            <code>{shortFingerprint(changed.pinned)}</code>). New keys are not shared with it, so sending may stop. Check with your IT department before
            accepting it.
          </p>
          {!status.managed && (
            <Button variant="secondary" loading={busy} onClick={() => onAccept(changed.served)} data-testid="custody-accept">
              Accept the new recovery key
            </Button>
          )}
        </div>
      )}
    </section>
  );
}
