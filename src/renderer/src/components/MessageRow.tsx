/**
 * Presentational: one row of the chat history (the items of docs/messaging.md §Timeline, laid out by
 * model/timelineLayout.ts): a message (text as text only, delivery state, reactions, read
 * receipts, retry of a failed send) — the first of its group with the avatar, author and time, the others
 * with the time on hover, every one with its full date and time as a tooltip and in its accessible name,
 * the first of a day under the day separator;
 * a "cannot decrypt yet" placeholder; a rejected envelope (why, in a sentence; the code in `data-code`);
 * or a membership line (with the "new" badge when it adds a new contact). The quick reactions and the
 * "More actions" button appear on hover or keyboard focus, so they do not sit under every message. The
 * actions menu (MessageMenu.tsx: react, copy text, forward, delete a send that failed or waits) opens from
 * that button, a right-click on the message, or Shift+F10 / the ContextMenu key. A message this user
 * forwarded is labelled "Forwarded" (here only). Replies, edits and deletes (docs/desktop.md "Replies, edits
 * and deletes"): the menu offers Reply, Edit and Delete for everyone (own messages), Delete for me; a reply
 * shows the message it quotes as a button that jumps to it ("Original message not available" when it expired
 * or was deleted); an edited message is labelled "edited" (for its author, a button showing the previous
 * versions); a deleted one reads "This message was deleted".
 */
import { Fragment, useMemo, useRef, useState, type KeyboardEvent, type MouseEvent } from 'react';
import { messageSegments, type MessageSegment } from '../model/messageLinks';
import { useMentionScope } from './mentionContext';
import { useFileScope } from './fileContext';
import { FileCard } from './FileCard';
import type { DisplayRow, MessageDisplay } from '../model/timelineLayout';
import { MessageMenu, type MessageMenuItem } from './MessageMenu';
import { NewContactBadge } from './NewContactBadge';
import { Avatar } from './ui/Avatar';
import { Button } from './ui/Button';

export const QUICK_REACTIONS = ['👍', '❤️', '😂', '🎉'] as const;

export interface MessageRowProps {
  row: DisplayRow;
  onRetry(messageId: string): void;
  onReact(timetoken: string, value: string, mine: boolean): void;
  /** A send in main's offline queue: try it again (after a stop), or delete it (it never goes out). */
  onRetryQueued?(messageId: string): void;
  onDeleteQueued?(messageId: string): void;
  /** Copies the message's text (the browser's clipboard). */
  onCopy?(text: string): void;
  /** Opens the forward dialog with the message's text. */
  onForward?(text: string): void;
  /** Deletes a send that failed in the pipeline (never published). */
  onDiscard?(messageId: string): void;
  /** Replies to, edits, deletes for everyone, deletes for me (docs/protocol.md §7.7). */
  onReply?(messageId: string): void;
  onEdit?(messageId: string): void;
  onDeleteForEveryone?(messageId: string): void;
  onDeleteForMe?(messageId: string): void;
  /** Scrolls to a reply's original (its timetoken). */
  onJump?(timetoken: string): void;
  /** Asks for the previous versions of this user's edited message. */
  onShowVersions?(messageId: string): void;
  /** Opens the reaction picker (any emoji) for this message; `mine`: the values this user chose on it. */
  onOpenPicker?(timetoken: string, mine: readonly string[]): void;
}

const DELIVERY_TEXT = { sending: 'Sending…', sent: 'Sent', read: 'Read', failed: 'Not sent', unreadable: 'No device can read this yet' } as const;

export function MessageRow({ row, ...actions }: MessageRowProps) {
  switch (row.kind) {
    case 'system':
      return (
        <p className="system-line" data-testid="system-line">
          {row.text}
          {row.newContact !== undefined && (
            <>
              {' '}
              <NewContactBadge name={row.newContact} />
            </>
          )}
        </p>
      );
    case 'pending':
      return (
        <p className="placeholder" data-testid="pending-message" aria-busy="true">
          🔒 {row.text}
        </p>
      );
    case 'rejected':
      return (
        <p className="placeholder bad" data-testid="rejected-message" data-code={row.code}>
          ⚠ {row.text}
        </p>
      );
    case 'message':
      return <MessageBubble row={row} {...actions} />;
    default:
      throw new Error(`unknown row ${JSON.stringify(row satisfies never)}`);
  }
}

/** The actions of a message's menu, in order; a delete only for a send that failed or waits in the queue. */
export function messageMenuItems(
  row: MessageDisplay,
  actions: Pick<
    MessageRowProps,
    'onReact' | 'onCopy' | 'onForward' | 'onDiscard' | 'onDeleteQueued' | 'onReply' | 'onEdit' | 'onDeleteForEveryone' | 'onDeleteForMe' | 'onOpenPicker'
  >,
): MessageMenuItem[] {
  const items: MessageMenuItem[] = [];
  const timetoken = row.timetoken;
  const { onReply, onEdit, onDeleteForEveryone, onDeleteForMe } = actions;
  // A deleted message keeps only "Delete for me"; a send not published yet has none of these.
  if (row.deleted === true) {
    if (timetoken !== undefined && onDeleteForMe)
      items.push({ label: 'Delete for me', danger: true, testId: 'menu-delete-for-me', act: () => onDeleteForMe(row.messageId) });
    return items;
  }
  if (timetoken !== undefined && onReply) items.push({ label: 'Reply', testId: 'menu-reply', act: () => onReply(row.messageId) });
  if (timetoken !== undefined && row.mine && onEdit) items.push({ label: 'Edit', testId: 'menu-edit', act: () => onEdit(row.messageId) });
  if (timetoken !== undefined) {
    for (const v of QUICK_REACTIONS) {
      const mine = row.reactions.some((r) => r.value === v && r.mine);
      items.push({ label: mine ? `Remove reaction ${v}` : `React with ${v}`, testId: `menu-react-${v}`, act: () => actions.onReact(timetoken, v, mine) });
    }
    const { onOpenPicker } = actions;
    const chosen = row.reactions.filter((r) => r.mine).map((r) => r.value);
    if (onOpenPicker) items.push({ label: 'React with another emoji…', testId: 'menu-react-picker', act: () => onOpenPicker(timetoken, chosen) });
  }
  const { onCopy, onForward, onDiscard, onDeleteQueued } = actions;
  if (onCopy) items.push({ label: 'Copy text', testId: 'menu-copy', act: () => onCopy(row.text) });
  if (onForward) items.push({ label: 'Forward…', testId: 'menu-forward', act: () => onForward(row.text) });
  if (row.queued && onDeleteQueued) items.push({ label: 'Delete', danger: true, testId: 'menu-delete', act: () => onDeleteQueued(row.messageId) });
  else if (row.delivery === 'failed' && onDiscard) items.push({ label: 'Delete', danger: true, testId: 'menu-delete', act: () => onDiscard(row.messageId) });
  if (timetoken !== undefined && row.mine && onDeleteForEveryone)
    items.push({ label: 'Delete for everyone', danger: true, testId: 'menu-delete-for-everyone', act: () => onDeleteForEveryone(row.messageId) });
  if (timetoken !== undefined && onDeleteForMe)
    items.push({ label: 'Delete for me', danger: true, testId: 'menu-delete-for-me', act: () => onDeleteForMe(row.messageId) });
  return items;
}

function MessageBubble(props: MessageRowProps & { row: MessageDisplay }) {
  const { row, onRetry, onReact, onRetryQueued, onDeleteQueued, onJump, onShowVersions } = props;
  const timetoken = row.timetoken;
  const iso = new Date(row.sentAt).toISOString();
  const [menu, setMenu] = useState(false);
  const [showVersions, setShowVersions] = useState(false);
  const more = useRef<HTMLButtonElement>(null);
  const files = useFileScope();
  const file = row.deleted === true ? undefined : row.file;
  // A file message forwards its file (the stored copy is re-used), not its one-line description.
  const { onForwardFile } = files;
  const items = messageMenuItems(row, file !== undefined && onForwardFile !== undefined ? { ...props, onForward: () => onForwardFile(row.messageId) } : props);
  const reply = row.reply;
  const scope = useMentionScope();
  // Tokenized once per text: the body shows these segments, and a row mentions this user when one of them is a mention of them.
  const segments = useMemo(() => messageSegments(row.text, scope.people, scope.selfUserId), [row.text, scope.people, scope.selfUserId]);
  const mentionsMe = !row.mine && row.deleted !== true && segments.some((s) => s.kind === 'mention' && s.self);
  const openMenu = (e: MouseEvent | KeyboardEvent) => {
    e.preventDefault();
    if (items.length > 0) setMenu(true);
  };
  return (
    <>
      {row.day !== null && (
        <p className="day-separator" data-testid="day-separator">
          {row.day}
        </p>
      )}
      <article
        className={`message chat-message${row.mine ? ' mine' : ''}${row.groupStart ? ' group-start' : ''}${menu ? ' menu-open' : ''}${mentionsMe ? ' mentions-me' : ''}`}
        data-testid="message"
        data-mentions-me={mentionsMe || undefined}
        data-message-id={row.messageId}
        aria-label={`${row.author}, ${row.fullTime}${row.unsigned === true ? ', not signed' : ''}${mentionsMe ? ', mentions you' : ''}`}
        data-unsigned={row.unsigned === true || undefined}
        onContextMenu={openMenu}
        onKeyDown={(e) => {
          if (e.key === 'ContextMenu' || (e.shiftKey && e.key === 'F10')) openMenu(e);
        }}
      >
        <div className="message-gutter">
          {row.groupStart ? (
            <Avatar id={row.senderId} name={row.avatarName ?? row.author} />
          ) : (
            <time className="hover-time" dateTime={iso} title={row.fullTime} aria-hidden="true">
              {row.clock}
            </time>
          )}
        </div>
        <header className={row.groupStart ? 'message-meta' : 'visually-hidden'}>
          <span className="message-author">{row.author}</span>{' '}
          <time dateTime={iso} title={row.fullTime} data-testid="message-time">
            {row.clock}
          </time>
        </header>
        {row.unsigned === true && (
          <p className="unsigned-label" role="note" data-testid="unsigned-label">
            ⚠ Not signed: sent by a standard PubNub client; the sender cannot be verified
          </p>
        )}
        {row.forwarded === true && (
          <p className="forwarded-label muted" data-testid="forwarded-label">
            ↪ Forwarded
          </p>
        )}
        {reply !== undefined &&
          (reply.text === undefined ? (
            <p className="reply-quote muted" data-testid="reply-quote" data-available="false">
              ↩ Original message not available
            </p>
          ) : (
            <button
              type="button"
              className="reply-quote"
              data-testid="reply-quote"
              data-available="true"
              aria-label={`Reply to ${reply.author ?? 'a message'}: ${reply.text}. Go to the original message`}
              onClick={() => {
                if (reply.timetoken !== undefined) onJump?.(reply.timetoken);
              }}
            >
              <span className="reply-author">↩ {reply.author}</span> <span className="reply-text">{reply.text}</span>
            </button>
          ))}
        {row.deleted === true ? (
          <p className="message-text deleted muted" data-testid="message-deleted">
            This message was deleted
          </p>
        ) : file !== undefined ? (
          <FileCard
            file={file}
            preview={files.previews[row.messageId]}
            transfer={files.downloads[row.messageId]}
            {...(files.onNeedPreview === undefined ? {} : { onNeedPreview: () => files.onNeedPreview?.(row.messageId) })}
            {...(files.onSave === undefined || timetoken === undefined ? {} : { onSave: () => files.onSave?.(row.messageId) })}
            {...(onForwardFile === undefined || timetoken === undefined ? {} : { onForward: () => onForwardFile(row.messageId) })}
            {...(files.onCancel === undefined ? {} : { onCancel: files.onCancel })}
            {...(files.onRetry === undefined ? {} : { onRetry: files.onRetry })}
          />
        ) : (
          <p className="message-text" dir="auto" data-testid="message-text">
            <MessageBody segments={segments} />
          </p>
        )}
        {row.edited === true &&
          (row.mine ? (
            <button
              type="button"
              className="edited-label muted"
              aria-expanded={showVersions}
              onClick={() => {
                if (!showVersions) onShowVersions?.(row.messageId);
                setShowVersions((open) => !open);
              }}
              data-testid="edited-label"
            >
              edited{showVersions ? ' — hide previous versions' : ' — show previous versions'}
            </button>
          ) : (
            <span className="edited-label muted" data-testid="edited-label">
              edited
            </span>
          ))}
        {showVersions && row.edited === true && (
          <ol className="message-versions muted" aria-label="Previous versions" data-testid="message-versions">
            {(row.versions ?? []).map((text, i) => (
              <li key={i} dir="auto">
                {text}
              </li>
            ))}
          </ol>
        )}
        <footer className="message-footer">
          {row.queued && (
            <span className={`delivery ${row.queued.state}`} data-testid="queued-state" data-code={row.queued.code ?? undefined} role="status">
              {row.queued.text}
            </span>
          )}
          {row.queued?.state === 'failed' && row.queued.canRetry && onRetryQueued && (
            <Button size="sm" onClick={() => onRetryQueued(row.messageId)} data-testid="retry-queued">
              Retry
            </Button>
          )}
          {row.queued?.state === 'failed' && onDeleteQueued && (
            <Button size="sm" variant="danger" onClick={() => onDeleteQueued(row.messageId)} data-testid="delete-queued">
              Delete
            </Button>
          )}
          {row.expiresIn !== undefined && (
            <span className="message-expiry muted" data-testid="message-expiry" title="This message disappears for everyone when its timer runs out">
              ⏱ {row.expiresIn}
            </span>
          )}
          {row.delivery && (
            <span
              className={`delivery ${row.delivery}`}
              data-testid="delivery-state"
              title={row.readBy.length ? `Read by ${row.readBy.join(', ')}` : undefined}
            >
              {DELIVERY_TEXT[row.delivery]}
              {row.delivery === 'read' && row.readBy.length > 0 ? ` by ${row.readBy.join(', ')}` : ''}
            </span>
          )}
          {row.delivery === 'failed' && (
            <Button size="sm" onClick={() => onRetry(row.messageId)} data-testid="retry-send" title={row.failure ?? undefined}>
              Retry
            </Button>
          )}
          {timetoken !== undefined && row.reactions.length > 0 && (
            <span className="reactions" role="group" aria-label="Reactions">
              {row.reactions.map((r) => (
                <button
                  key={r.value}
                  type="button"
                  className="reaction"
                  aria-pressed={r.mine}
                  aria-label={`${r.value} ${r.count}, by ${r.names}`}
                  title={`${r.value} by ${r.names}`}
                  onClick={() => onReact(timetoken, r.value, r.mine)}
                  data-testid="reaction"
                >
                  {r.value} {r.count}
                </button>
              ))}
            </span>
          )}
        </footer>
        {items.length > 0 && (
          <span className="message-toolbar" role="group" aria-label="Message actions">
            {timetoken !== undefined &&
              QUICK_REACTIONS.filter((v) => !row.reactions.some((r) => r.value === v)).map((v) => (
                <button key={v} type="button" aria-label={`React with ${v}`} title={`React with ${v}`} onClick={() => onReact(timetoken, v, false)}>
                  {v}
                </button>
              ))}
            <button
              ref={more}
              type="button"
              aria-label="More actions"
              title="More actions (Shift+F10)"
              aria-haspopup="menu"
              aria-expanded={menu}
              onClick={() => setMenu((open) => !open)}
              data-testid="message-more"
            >
              ⋯
            </button>
          </span>
        )}
        {menu && (
          <MessageMenu
            label={`Actions for ${row.mine ? 'your' : `${row.author}'s`} message at ${row.clock}`}
            items={items}
            onClose={(refocus) => {
              setMenu(false);
              if (refocus) more.current?.focus();
            }}
          />
        )}
      </article>
    </>
  );
}

/**
 * A message's text with its web links clickable (model/messageLinks.ts; main decides where a link may
 * open) and its mentions of members marked, this user's own more strongly (model/mentions.ts).
 */
function MessageBody({ segments }: { segments: readonly MessageSegment[] }) {
  return (
    <>
      {segments.map((s, i) => {
        switch (s.kind) {
          case 'text':
            return <Fragment key={i}>{s.text}</Fragment>;
          case 'link':
            return (
              <a key={i} href={s.href} title={s.title} target="_blank" rel="noopener noreferrer" data-testid="message-link">
                {s.text}
              </a>
            );
          case 'mention':
            return (
              <span key={i} className={`mention${s.self ? ' self' : ''}`} title={s.name} data-testid="mention">
                {s.text}
              </span>
            );
          default:
            throw new Error(`unknown segment ${JSON.stringify(s satisfies never)}`);
        }
      })}
    </>
  );
}
