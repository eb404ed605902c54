/**
 * Presentational: one conversation's chat: a header with the avatars, the title (and the "new" badge for
 * a direct conversation with a new contact), how many members, ONE trust word ("Verified" or "Identity
 * changed"; key versions and rotations live in the security panel) and the members and security panels;
 * the identity-changed banner that blocks the composer until the new key is accepted with the contact's
 * code (in the security panel); why the membership history cannot be shown; the virtualized history (an
 * ARIA log, laid out by model/timelineLayout.ts) with scroll-back; the typing indicator and the composer.
 * Files (docs/desktop.md "Files"): dragging files over the conversation shows a drop zone ("Drop to send to
 * Bob"; the reason instead while sending is paused) and dropping sends them; the uploads on their way sit
 * above the composer with their progress, Cancel and Retry.
 */
import { useEffect, useState, type DragEvent } from 'react';
import type { ComposerBlock } from '../state/trustSlice';
import type { ChatTrust } from '../model/chatTrust';
import type { DisplayRow } from '../model/timelineLayout';
import type { UiError } from '../model/uiError';
import { Composer } from './Composer';
import { FileTransfers } from './FileCard';
import type { TransferEntry } from '../state/filesSlice';
import { ErrorNotice } from './ErrorNotice';
import { MessageRow } from './MessageRow';
import { NewContactBadge } from './NewContactBadge';
import { VirtualList } from './VirtualList';
import { Avatar, AvatarStack } from './ui/Avatar';
import { PresenceDot } from './ui/PresenceDot';
import type { PeerPresence } from '../../../common/presence/presenceFeed';
import { Badge } from './ui/Badge';
import { Button } from './ui/Button';

export interface ChatViewProps {
  title: string;
  /** "Direct message", "3 members". */
  subtitle: string;
  /** Whose avatar the header shows for a direct conversation (the other member's id); null for a group. */
  avatarId?: string | null;
  /** The direct conversation's peer's presence (docs/messaging.md "Presence"); undefined: no dot. */
  presence?: PeerPresence;
  /** A group's members for the header's avatars (the first few and "+N"). */
  people?: readonly { id: string; name: string }[];
  trust?: ChatTrust;
  /** The body limit in UTF-8 bytes (the composer counts towards it and refuses above it). */
  maxBytes?: number;
  /** "Messages disappear after 1 day" while the conversation's timer is on, else null. */
  disappearing?: string | null;
  /** A direct conversation's other member when they are a new contact (the header shows the badge), else null. */
  newContact: string | null;
  /** Why the verified membership history cannot be shown (its chain did not verify), or null. */
  membershipError: UiError | null;
  rows: readonly DisplayRow[];
  typing: string;
  draft: string;
  block: ComposerBlock | null;
  /** Why messaging cannot send now (offline, connecting), or null. */
  offlineReason: string | null;
  /** What disables the composer, when it differs from `offlineReason` (offline sends are queued, so only connecting does). */
  sendBlockedReason?: string | null;
  /** Shown under the composer while sends wait for the network. */
  offlineHint?: string | null;
  /** A send in main's offline queue: retry after a stop, or delete. */
  onRetryQueued?(messageId: string): void;
  onDeleteQueued?(messageId: string): void;
  /** False until the conversation's history has been joined. */
  loaded: boolean;
  reachedStart: boolean;
  loadingOlder: boolean;
  error: UiError | null;
  onDraft(text: string): void;
  onSend(): void;
  /** With the `stockSdkCompat` policy on: send the draft unsigned, in the stock PubNub format. */
  onSendUnsigned?(): void;
  onRetry(messageId: string): void;
  onReact(timetoken: string, value: string, mine: boolean): void;
  onLoadOlder(): void;
  onOpenMembers(): void;
  onOpenSecurity(): void;
  /** The row to scroll to, focus and highlight (a search hit), or null. */
  reveal?: { readonly key: string; readonly seq: number; done?(): void } | null;
  /** This user was removed from the conversation: the banner's sentence and detail (the composer is disabled with the sentence). */
  removed?: { sentence: string; detail: string } | null;
  /** Message actions (the menu of each message): copy its text, forward it, delete a failed send. */
  onCopy?(text: string): void;
  onForward?(text: string): void;
  onDiscard?(messageId: string): void;
  /** The rows on screen while the window has focus (keys), for the read marker and receipts. */
  onSeen?(keys: readonly string[]): void;
  /** Replies, edits and deletes (MessageRow.tsx); `composing` is the composer's reply or edit preview. */
  onReply?(messageId: string): void;
  onEdit?(messageId: string): void;
  onDeleteForEveryone?(messageId: string): void;
  onDeleteForMe?(messageId: string): void;
  onJump?(timetoken: string): void;
  onShowVersions?(messageId: string): void;
  onOpenPicker?(timetoken: string, mine: readonly string[]): void;
  composing?: { readonly label: string; readonly text: string } | null;
  onCancelComposing?(): void;
  /** Files the page holds (dropped, pasted, picked in the browser): sent after the policy check. */
  onFiles?(files: File[]): void;
  /** The Electron app's attach button: main's own open dialog. */
  onAttach?(): void;
  /** Why a file was not sent, or null; and its dismiss. */
  fileNotice?: string | null;
  onDismissFileNotice?(): void;
  /** This conversation's uploads on their way, with their actions. */
  uploads?: readonly TransferEntry[];
  onCancelTransfer?(transferId: string): void;
  onRetryTransfer?(transferId: string): void;
  onDismissTransfer?(transferId: string): void;
}

/** True when a drag carries files (not text or a link). */
function carriesFiles(e: DragEvent): boolean {
  return Array.from(e.dataTransfer?.types ?? []).includes('Files');
}

const keyOf = (row: DisplayRow) => row.key;

export function blockText(block: ComposerBlock | null): string | null {
  if (block === null) return null;
  return block.reason === 'identity_changed'
    ? `Sending is paused: ${block.displayName}'s safety number changed.`
    : `Sending is paused: your organisation requires you to verify ${block.displayName} first.`;
}

export function ChatView(props: ChatViewProps) {
  const { block } = props;
  const disabledReason =
    props.removed != null
      ? props.removed.sentence
      : (blockText(block) ?? (props.sendBlockedReason !== undefined ? props.sendBlockedReason : props.offlineReason));
  /** How many elements of the chat the drag is over (enter and leave fire for each child). */
  const [dragDepth, setDragDepth] = useState(0);
  const { onFiles } = props;
  const canDrop = onFiles !== undefined && disabledReason === null;
  // A file dropped anywhere else in the window must not make the page open it.
  useEffect(() => {
    if (onFiles === undefined) return;
    const hold = (e: globalThis.DragEvent) => {
      if (Array.from(e.dataTransfer?.types ?? []).includes('Files')) e.preventDefault();
    };
    window.addEventListener('dragover', hold);
    window.addEventListener('drop', hold);
    return () => {
      window.removeEventListener('dragover', hold);
      window.removeEventListener('drop', hold);
    };
  }, [onFiles]);
  return (
    <section
      className={`chat${dragDepth > 0 ? ' dragging' : ''}`}
      aria-label={`Conversation ${props.title}`}
      data-testid="chat"
      onDragEnter={(e) => {
        if (!carriesFiles(e) || onFiles === undefined) return;
        e.preventDefault();
        setDragDepth((d) => d + 1);
      }}
      onDragOver={(e) => {
        if (!carriesFiles(e) || onFiles === undefined) return;
        e.preventDefault();
        e.dataTransfer.dropEffect = canDrop ? 'copy' : 'none';
      }}
      onDragLeave={(e) => {
        if (!carriesFiles(e) || onFiles === undefined) return;
        setDragDepth((d) => Math.max(0, d - 1));
      }}
      onDrop={(e) => {
        if (!carriesFiles(e) || onFiles === undefined) return;
        e.preventDefault();
        setDragDepth(0);
        const dropped = Array.from(e.dataTransfer.files);
        if (canDrop && dropped.length > 0) onFiles(dropped);
      }}
    >
      {dragDepth > 0 && (
        <div className={`drop-zone${canDrop ? '' : ' refused'}`} data-testid="drop-zone" aria-hidden="true">
          <p>{canDrop ? `Drop to send to ${props.title}` : `Files cannot be sent here now. ${disabledReason ?? ''}`}</p>
        </div>
      )}
      <header className="chat-header">
        {props.avatarId != null ? (
          <span className="presence-anchor">
            <Avatar id={props.avatarId} name={props.title} size="lg" />
            <PresenceDot presence={props.presence} now={Date.now()} />
          </span>
        ) : (
          props.people !== undefined && props.people.length > 0 && <AvatarStack people={props.people} />
        )}
        <div className="chat-heading">
          <h2>
            <span data-testid="chat-title">{props.title}</span>
            {props.newContact !== null && <NewContactBadge name={props.newContact} />}
          </h2>
          <p className="chat-meta muted">
            <span data-testid="chat-subtitle">{props.subtitle}</span>
            {props.presence?.text !== undefined && props.presence.text !== '' && props.presence.state !== 'offline' && (
              <span className="presence-text" data-testid="presence-text">
                {props.presence.text}
              </span>
            )}
            {props.trust === 'verified' && (
              <Badge tone="success" testId="chat-trust">
                ✔ Verified
              </Badge>
            )}
            {props.trust === 'changed' && (
              <Badge tone="danger" testId="chat-trust">
                ⚠ Identity changed
              </Badge>
            )}
            {props.disappearing != null && (
              <span className="disappearing" data-testid="disappearing-header">
                ⏱ {props.disappearing}
              </span>
            )}
          </p>
        </div>
        <div className="chat-actions">
          <Button variant="ghost" onClick={props.onOpenMembers} data-testid="open-members">
            Members
          </Button>
          <Button variant="ghost" onClick={props.onOpenSecurity} data-testid="open-security">
            Security
          </Button>
        </div>
      </header>
      {block?.reason === 'identity_changed' && (
        <div role="alert" className="banner warning" data-testid="identity-changed-banner">
          <p>
            {block.displayName}&apos;s safety number has changed. This can mean they reinstalled the app or linked a new account key — or that someone is trying
            to intercept the conversation. Ask them for the code their device shows now and check it in the security panel before you continue.
          </p>
          <Button variant="primary" onClick={props.onOpenSecurity} data-testid="review-identity">
            Review safety number
          </Button>
        </div>
      )}
      {props.removed != null && (
        <div role="status" className="banner notice" data-testid="removed-banner">
          <p>
            <strong>{props.removed.sentence}</strong> {props.removed.detail}
          </p>
        </div>
      )}
      <ErrorNotice error={props.membershipError} testId="membership-error" />
      <div className="history-tools">
        {!props.loaded ? (
          <span className="muted" aria-busy="true">
            {props.offlineReason ?? 'Loading messages…'}
          </span>
        ) : props.reachedStart ? (
          <span className="muted">Start of the conversation</span>
        ) : (
          <Button variant="ghost" size="sm" onClick={props.onLoadOlder} loading={props.loadingOlder} data-testid="load-older">
            {props.loadingOlder ? 'Loading…' : 'Load older messages'}
          </Button>
        )}
      </div>
      <VirtualList
        items={props.rows}
        keyOf={keyOf}
        label={`Messages with ${props.title}`}
        onNearTop={props.reachedStart || !props.loaded ? undefined : props.onLoadOlder}
        testId="message-log"
        reveal={props.reveal ?? null}
        onSeen={props.onSeen}
        render={(row) => (
          <MessageRow
            row={row}
            onRetry={props.onRetry}
            onReact={props.onReact}
            onRetryQueued={props.onRetryQueued}
            onDeleteQueued={props.onDeleteQueued}
            onCopy={props.onCopy}
            onForward={props.onForward}
            onDiscard={props.onDiscard}
            onReply={props.onReply}
            onEdit={props.onEdit}
            onDeleteForEveryone={props.onDeleteForEveryone}
            onDeleteForMe={props.onDeleteForMe}
            onJump={props.onJump}
            onShowVersions={props.onShowVersions}
            onOpenPicker={props.onOpenPicker}
          />
        )}
      />
      <p className="typing" aria-live="polite" data-testid="typing-indicator">
        {props.typing}
      </p>
      <ErrorNotice error={props.error} testId="chat-error" />
      {props.uploads !== undefined && props.onCancelTransfer && props.onRetryTransfer && props.onDismissTransfer && (
        <FileTransfers uploads={props.uploads} onCancel={props.onCancelTransfer} onRetry={props.onRetryTransfer} onDismiss={props.onDismissTransfer} />
      )}
      <Composer
        value={props.draft}
        disabledReason={disabledReason}
        hint={props.offlineHint ?? null}
        maxBytes={props.maxBytes}
        onChange={props.onDraft}
        onSend={props.onSend}
        {...(props.onSendUnsigned === undefined ? {} : { onSendUnsigned: props.onSendUnsigned })}
        context={props.composing ?? null}
        onCancelContext={props.onCancelComposing}
        {...(props.onAttach === undefined ? {} : { onAttach: props.onAttach })}
        {...(onFiles === undefined ? {} : { onFiles })}
        fileNotice={props.fileNotice ?? null}
        {...(props.onDismissFileNotice === undefined ? {} : { onDismissFileNotice: props.onDismissFileNotice })}
      />
    </section>
  );
}
