/**
 * Edits and deletes for everyone applied to a timeline (docs/messaging.md §Replies, edits and deletes;
 * docs/protocol.md §7.7). Pure and derived: the view collects every opened `edit` / `delete` envelope by the
 * message id it targets and resolves each message against them, so the result does not depend on the order
 * envelopes arrived in (an edit before its original, the same edit twice, an old edit replayed later):
 *
 * - only actions whose verified sender user is the message's verified sender user count; any other one is
 *   refused with `NotAuthorError` (`not_author`) and changes nothing — the view shows it as a rejected item;
 * - a delete by the author wins over every edit: the text is gone;
 * - of the author's edits, the greatest (sentAt, id) is the current text (`isNewerEdit`); versions lists the
 *   texts in that order (the author's UI shows them).
 * An action whose target is not in the timeline (yet) is kept and shows nothing.
 */
import type { MessageId, UserId } from '../ids';
import { checkAuthor, isNewerEdit } from '../protocol/chatAction';
import { NotAuthorError } from '../protocol/errors';
import type { ChatState } from './ports';

/** One opened edit or delete envelope. */
export interface ChatRecord {
  readonly timetoken: string;
  /** The action's own id and signed time. */
  readonly id: MessageId;
  readonly sentAt: number;
  /** The verified sender user of the action. */
  readonly senderUser: UserId;
  readonly action: { readonly kind: 'edit'; readonly target: MessageId; readonly text: string } | { readonly kind: 'delete'; readonly target: MessageId };
}

/** A message as its chat actions leave it. */
export interface Resolved {
  /** The current text when an edit of the author applies (undefined: the message's own text, or deleted). */
  readonly text: string | undefined;
  readonly edited: boolean;
  readonly deleted: boolean;
  /** The author's edits in order (oldest first), for the author's "previous versions". */
  readonly versions: readonly { readonly id: MessageId; readonly sentAt: number; readonly text: string }[];
  /** Actions on this message by someone else, refused. */
  readonly refused: readonly { readonly record: ChatRecord; readonly error: NotAuthorError }[];
}

export class ChatLedger {
  private readonly byTarget = new Map<MessageId, Map<MessageId, ChatRecord>>();

  /** Adds an opened action (a duplicate id — a replay or a second delivery — is kept once). */
  add(record: ChatRecord): void {
    const target = record.action.target;
    const records = this.byTarget.get(target) ?? new Map<MessageId, ChatRecord>();
    if (!records.has(record.id)) records.set(record.id, record);
    this.byTarget.set(target, records);
  }

  /** The actions on a message id (any sender). */
  on(target: MessageId): ChatRecord[] {
    return [...(this.byTarget.get(target)?.values() ?? [])];
  }

  /**
   * Resolves message `id` sent by `author`, given what the host's store already applied (`stored`: a
   * stored edit's version, or deleted).
   */
  resolve(id: MessageId, author: UserId, stored?: ChatState): Resolved {
    const refused: { record: ChatRecord; error: NotAuthorError }[] = [];
    const own: ChatRecord[] = [];
    for (const record of this.on(id)) {
      try {
        checkAuthor(record.action, record.senderUser, author);
        own.push(record);
      } catch (error) {
        if (!(error instanceof NotAuthorError)) throw error;
        refused.push({ record, error });
      }
    }
    const deleted = stored?.deleted === true || own.some((r) => r.action.kind === 'delete');
    if (deleted) return { text: undefined, edited: false, deleted: true, versions: [], refused };
    const edits = own
      .flatMap((r) => (r.action.kind === 'edit' ? [{ id: r.id, sentAt: r.sentAt, text: r.action.text }] : []))
      .sort((a, b) => (isNewerEdit(a, b) ? 1 : isNewerEdit(b, a) ? -1 : 0));
    const newest = edits.at(-1);
    // A stored current text newer than every edit held in memory stays (the edit came before a restart).
    const storedWins = stored?.edited !== undefined && (newest === undefined || isNewerEdit(stored.edited, newest));
    return {
      text: storedWins ? undefined : newest?.text,
      edited: stored?.edited !== undefined || newest !== undefined,
      deleted: false,
      versions: edits,
      refused,
    };
  }
}
