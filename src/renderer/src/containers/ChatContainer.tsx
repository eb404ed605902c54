/**
 * Container: binds one conversation's view, draft, trust state and actions to the chat view; lays the
 * rows out (day separators, groups; model/timelineLayout.ts) and sums the members' trust up in one word.
 * Files (docs/desktop.md "Files"): the file cards' previews, downloads and actions go to the rows through the
 * FileContext; the attach button uses main's own open dialog in the Electron app and the browser's file
 * picker in browser mode; a file message forwards its stored file.
 */
import { useEffect, useMemo, useState } from 'react';
import type { ConversationId, MessageId } from '../../../common/ids';
import { MAX_BRIDGE_BODY } from '../../../common/ipc/schemas/messages';
import { ChatView } from '../components/ChatView';
import { ConfirmAction } from '../components/ConfirmAction';
import { Dialog } from '../components/Dialog';
import { ForwardDialog } from '../components/ForwardDialog';
import { ReactionPicker } from '../components/ReactionPicker';
import { MentionContext, type MentionScope } from '../components/mentionContext';
import { FileContext, type FileScope } from '../components/fileContext';
import { fileCaptionOf, shownFileName } from '../model/fileView';
import { thumbnailKey, type FileCaption, type TransferEntry } from '../state/filesSlice';
import { chatTrust } from '../model/chatTrust';
import { membershipLines } from '../model/membershipLines';
import { conversationTitle, directPeer, isNewContact, nameOf, peopleOf } from '../model/people';
import { currentTimer, disappearingHeader, timerChangesOf, withExpiry } from '../model/disappearing';
import { newestSeen, withoutReceipts } from '../model/readMarker';
import { layoutTimeline } from '../model/timelineLayout';
import { timelineRows, typingLine, withLocalMarks, withoutReaders } from '../model/timelineRows';
import { chatSelectors } from '../state/chatSlice';
import { conversationsSelectors } from '../state/conversationsSlice';
import { departuresSelectors, REMOVED_DETAIL, REMOVED_SENTENCE } from '../state/departuresSlice';
import { disappearingSelectors } from '../state/disappearingSlice';
import { sessionSelectors } from '../state/sessionSlice';
import { presenceSelectors } from '../state/presenceSlice';
import { settingsSelectors } from '../state/settingsSlice';
import { composerBlock, trustSelectors } from '../state/trustSlice';
import { useAppStore, useAppStoreApi } from './storeContext';
import { useRevealedRow } from './useRevealedRow';

const OFFLINE_HINT = "You're offline. Messages you send now are kept on this computer and sent when you're back online.";

export function ChatContainer({ conversationId }: { conversationId: ConversationId }) {
  const store = useAppStoreApi();
  const listed = useAppStore(conversationsSelectors.selected);
  const removed = useAppStore(departuresSelectors.removedOf(conversationId));
  // Removed from it: shown as the list last had it, with the removal said and the composer off.
  const conversation = listed ?? removed;
  const selfUserId = useAppStore(sessionSelectors.selfUserId);
  const presenceState = useAppStore((st) => st.presence);
  const view = useAppStore(chatSelectors.view(conversationId));
  const history = useAppStore(conversationsSelectors.historyOf(conversationId));
  const historyError = useAppStore(conversationsSelectors.historyErrorOf(conversationId));
  const draft = useAppStore(chatSelectors.draft(conversationId));
  const loadingOlder = useAppStore(chatSelectors.loadingOlder(conversationId));
  const error = useAppStore(chatSelectors.error);
  const offlineReason = useAppStore(chatSelectors.offlineReason);
  const chatStatus = useAppStore(chatSelectors.status);
  const entries = useAppStore(chatSelectors.outboxOf(conversationId));
  const delivered = useAppStore(chatSelectors.delivered);
  const network = useAppStore(chatSelectors.network);
  const trust = useAppStore(trustSelectors.byUser);
  const requireVerified = useAppStore(settingsSelectors.requireVerifiedContacts);
  const readReceipts = useAppStore(settingsSelectors.readReceipts);
  const readable = useAppStore(chatSelectors.readable(conversationId));
  const forwardedIds = useAppStore(chatSelectors.forwarded);
  const discarded = useAppStore(chatSelectors.discarded);
  const allConversations = useAppStore(conversationsSelectors.list);
  const [forwarding, setForwarding] = useState<{ text: string; busy: boolean; fileMessageId?: MessageId } | null>(null);
  const transfers = useAppStore((st) => st.files.transfers);
  const thumbnails = useAppStore((st) => st.files.thumbnails);
  const fileNotice = useAppStore((st) => st.files.notice[conversationId] ?? null);
  const inElectron = useAppStore((st) => st.system.info?.runtime === 'electron');
  const composing = useAppStore((st) => st.chat.composing[conversationId]);
  const versions = useAppStore((st) => st.chat.versions);
  const reactionUse = useAppStore((st) => st.chat.reactionUse);
  const [picking, setPicking] = useState<{ timetoken: string; mine: readonly string[] } | null>(null);
  /** The message waiting for "Delete for everyone" to be confirmed. */
  const [deleting, setDeleting] = useState<MessageId | null>(null);
  const members = conversation?.members ?? [];
  const lines = useMemo(() => membershipLines(history, selfUserId, (p) => isNewContact(p, trust)), [history, selfUserId, trust]);
  // Senders are named from the members, then from everyone the verified history names (former members keep their name).
  const people = useMemo(() => peopleOf(members, history), [members, history]);
  const timers = useMemo(() => timerChangesOf(history), [history]);
  const expired = useAppStore(disappearingSelectors.expiredOf(conversationId));
  const now = useAppStore(disappearingSelectors.now);
  const rows = useMemo(() => {
    // The slice's clock ticks every few seconds; a row made between two ticks takes the time it is made.
    const at = Math.max(now, Date.now());
    const made = withLocalMarks(timelineRows(view, lines, people, selfUserId, { entries, delivered }), forwardedIds, discarded);
    const shown = readable ? made : withoutReaders(made);
    // Previous versions main's store answered (after a restart memory holds none) replace what memory holds.
    const versioned = shown.map((r) => (r.kind === 'message' && versions[r.messageId] !== undefined ? { ...r, versions: versions[r.messageId] } : r));
    return layoutTimeline(withExpiry(readReceipts ? versioned : withoutReceipts(versioned), timers, new Set(expired), at), at);
  }, [view, lines, people, selfUserId, entries, delivered, timers, expired, now, readReceipts, readable, forwardedIds, discarded, versions]);
  // Whether anyone else can read it: asked when the conversation opens and when its members change (and after each send).
  const memberKey = members.map((m) => m.userId).join(',');
  useEffect(() => {
    void store.getState().loadReaders(conversationId);
  }, [store, conversationId, memberKey]);
  // Who may be mentioned (the composer's `@` list, the rows' marks): the same object while the members are.
  const mentionScope = useMemo<MentionScope>(
    () => ({ people: members.map((m) => ({ userId: m.userId, username: m.username, displayName: m.displayName })), selfUserId }),
    [members, selfUserId],
  );
  const revealed = useRevealedRow(conversationId, rows);
  const uploads = useMemo(
    () => Object.values(transfers).filter((t) => t.conversationId === conversationId && t.direction === 'upload' && t.state !== 'done'),
    [transfers, conversationId],
  );
  // Text typed in the composer goes with a file as its caption (one message); the composer empties once it went.
  const captionText = fileCaptionOf(draft, composing !== undefined);
  const caption: FileCaption | undefined =
    captionText === undefined ? undefined : { text: captionText, taken: () => store.getState().setDraft(conversationId, '') };
  const fileScope = useMemo<FileScope>(() => {
    const s = store.getState();
    const previews: Record<string, string | null> = {};
    const prefix = thumbnailKey(conversationId, '');
    for (const [key, url] of Object.entries(thumbnails)) if (key.startsWith(prefix)) previews[key.slice(prefix.length)] = url;
    const downloads: Record<string, TransferEntry> = {};
    for (const t of Object.values(transfers))
      if (t.direction === 'download' && t.conversationId === conversationId && t.messageId !== undefined) downloads[t.messageId] = t;
    return {
      previews,
      downloads,
      onNeedPreview: (messageId) => void s.loadThumbnail(conversationId, messageId as MessageId),
      onSave: (messageId) => void s.saveFile(conversationId, messageId as MessageId),
      onForwardFile: (messageId) => {
        const row = rows.find((r) => r.kind === 'message' && r.messageId === messageId);
        const name = row?.kind === 'message' && row.file !== undefined ? shownFileName(row.file.fileName) : 'file';
        setForwarding({ text: `📎 ${name}`, busy: false, fileMessageId: messageId as MessageId });
      },
      onCancel: (transferId) => void s.cancelTransfer(transferId),
      onRetry: (transferId) => void s.retryTransfer(transferId),
    };
  }, [store, conversationId, thumbnails, transfers, rows]);
  const block = useMemo(() => composerBlock(conversation, trust, selfUserId, requireVerified), [conversation, trust, selfUserId, requireVerified]);
  if (conversation === null) return null;
  const s = store.getState();
  const peer = directPeer(conversation, selfUserId);
  const peerPresence = presenceSelectors.of({ presence: presenceState }, peer?.userId);
  const subtitle = conversation.kind === 'group' ? `${members.length} ${members.length === 1 ? 'member' : 'members'}` : 'Direct message';
  const targets = allConversations
    .filter((c) => c.conversationId !== conversationId)
    .map((c) => ({ conversationId: c.conversationId as string, title: conversationTitle(c, selfUserId) }));
  return (
    <MentionContext.Provider value={mentionScope}>
      <FileContext.Provider value={fileScope}>
        <ChatView
          title={conversationTitle(conversation, selfUserId)}
          avatarId={peer?.userId ?? null}
          {...(peerPresence === undefined ? {} : { presence: peerPresence })}
          people={members.map((m) => ({ id: m.userId, name: m.displayName }))}
          trust={chatTrust(conversation, trust, selfUserId)}
          maxBytes={MAX_BRIDGE_BODY}
          newContact={peer !== null && isNewContact(peer, trust) ? peer.displayName : null}
          membershipError={listed === null ? null : historyError}
          removed={listed === null && removed !== null ? { sentence: REMOVED_SENTENCE, detail: REMOVED_DETAIL } : null}
          subtitle={subtitle}
          disappearing={disappearingHeader(currentTimer(timers))}
          rows={rows}
          typing={typingLine(view, people, selfUserId)}
          draft={draft}
          block={block}
          offlineReason={offlineReason}
          sendBlockedReason={chatStatus === 'starting' ? offlineReason : null}
          offlineHint={network === 'offline' || chatStatus === 'error' ? OFFLINE_HINT : null}
          onRetryQueued={(id) => void s.retryQueued(conversationId, id as Parameters<typeof s.retryQueued>[1])}
          onDeleteQueued={(id) => void s.deleteQueued(conversationId, id as Parameters<typeof s.deleteQueued>[1])}
          loaded={view !== undefined}
          reachedStart={view?.reachedStart ?? false}
          loadingOlder={loadingOlder}
          error={listed === null ? null : error}
          onDraft={(text) => s.setDraft(conversationId, text)}
          onSend={() => void s.sendDraft(conversationId)}
          {...(s.settings.policy?.values.stockSdkCompat === true ? { onSendUnsigned: () => void s.sendDraftUnsigned(conversationId) } : {})}
          onRetry={(id) => void s.retrySend(conversationId, id as Parameters<typeof s.retrySend>[1])}
          onReact={(tt, value, mine) => void s.toggleReaction(conversationId, tt, value, mine)}
          onLoadOlder={() => void s.loadOlder(conversationId)}
          onOpenMembers={() => s.openPanel('members')}
          onOpenSecurity={() => s.openPanel('security')}
          reveal={revealed}
          onCopy={(text) => void navigator.clipboard?.writeText(text).catch(() => undefined)}
          onForward={(text) => setForwarding({ text, busy: false })}
          onDiscard={(id) => s.discardFailed(conversationId, id as Parameters<typeof s.discardFailed>[1])}
          onReply={(id) => s.startReply(conversationId, id as MessageId)}
          onEdit={(id) => s.startEdit(conversationId, id as MessageId)}
          onDeleteForEveryone={(id) => setDeleting(id as MessageId)}
          onDeleteForMe={(id) => void s.deleteForMe(conversationId, id as MessageId)}
          onJump={(tt) => void s.revealMessage(conversationId, tt)}
          onShowVersions={(id) => void s.loadVersions(conversationId, id as MessageId)}
          composing={
            composing === undefined
              ? null
              : {
                  label: composing.mode === 'edit' ? 'Editing your message' : `Replying to ${nameOf(composing.senderUser, people, selfUserId)}`,
                  text: composing.text,
                }
          }
          onCancelComposing={() => s.cancelComposing(conversationId)}
          onOpenPicker={(timetoken, mine) => setPicking({ timetoken, mine })}
          onSeen={(keys) => {
            const seen = new Set(keys);
            const newest = newestSeen(rows.flatMap((r) => (r.kind === 'message' && seen.has(r.key) ? [r.timetoken] : [])));
            if (newest !== undefined) void s.markSeen(conversationId, newest, readReceipts);
          }}
          onFiles={(files) => void s.sendFiles(conversationId, files, caption)}
          {...(inElectron ? { onAttach: () => void s.chooseFileToSend(conversationId, caption) } : {})}
          fileNotice={fileNotice}
          onDismissFileNotice={() => s.dismissFileNotice(conversationId)}
          uploads={uploads}
          onCancelTransfer={(id) => void s.cancelTransfer(id)}
          onRetryTransfer={(id) => void s.retryTransfer(id)}
          onDismissTransfer={(id) => s.dismissTransfer(id)}
        />
      </FileContext.Provider>
      {picking !== null && (
        <ReactionPicker
          used={reactionUse}
          mine={picking.mine}
          onClose={() => setPicking(null)}
          onPick={(value, mine) => {
            setPicking(null);
            void s.toggleReaction(conversationId, picking.timetoken, value, mine);
          }}
        />
      )}
      {deleting !== null && (
        <Dialog title="Delete for everyone?" onClose={() => setDeleting(null)} testId="confirm-delete-for-everyone">
          <ConfirmAction
            text="This message will be removed from the conversation on every member's devices. People who already read it may have seen it. This cannot be undone."
            confirmLabel="Delete for everyone"
            onCancel={() => setDeleting(null)}
            onConfirm={() => {
              const id = deleting;
              setDeleting(null);
              void s.deleteForEveryone(conversationId, id);
            }}
          />
        </Dialog>
      )}
      {forwarding !== null && (
        <ForwardDialog
          text={forwarding.text}
          targets={targets}
          busy={forwarding.busy}
          onClose={() => setForwarding(null)}
          onForward={(to) => {
            setForwarding({ ...forwarding, busy: true });
            const sending =
              forwarding.fileMessageId === undefined
                ? s.forwardMessage(to as ConversationId, forwarding.text)
                : s.forwardFile(conversationId, forwarding.fileMessageId, to as ConversationId);
            void sending.then((sent) => (sent ? setForwarding(null) : setForwarding({ ...forwarding, busy: false })));
          }}
        />
      )}
    </MentionContext.Provider>
  );
}
