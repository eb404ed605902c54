/**
 * Chat actions (docs/protocol.md §7.7): a reply, an edit, a delete for everyone and a reaction travel as
 * message envelopes (§7) of their own header `type` — `reply`, `edit`, `delete`, `reaction` — sealed with the conversation key
 * and signed by the sender device exactly like a message, so the type is inside the AAD and the signature.
 * The inner plaintext (§7.2) is a `json` body of one strict shape per type:
 *   reply  → {"replyTo": <message id>, "text": <1..MAX_CHAT_TEXT characters>}
 *   edit   → {"target": <message id>, "text": <1..MAX_CHAT_TEXT characters>}
 *   delete → {"target": <message id>}
 *   reaction → {"target": <message id>, "value": <reaction value>, "op": "add" | "remove"}
 * The plaintext's `id` is the action's own id and `sentAt` its (signed) time. An edit or a delete applies
 * only when its verified sender user is the user who sent the target (`checkAuthor`, NotAuthorError);
 * of several edits the one with the greatest (sentAt, id) is the current text, so arrival order, replays and
 * duplicates change nothing (`isNewerEdit`). A reaction is any member's: it counts for its verified sender
 * user, and of one user's reactions with one value on one target the last in timetoken order decides whether
 * it stands (`add`) or not (`remove`). Delete for me never leaves the device and has no envelope.
 */
import { z } from 'zod';
import { isWellFormedUnicode } from '../encoding/utf8';
import { MessageIdSchema, type MessageId, type UserId } from '../ids';
import type { EnvelopeType } from './envelope';
import { MalformedError, NotAuthorError } from './errors';
import type { MessagePlaintext } from './plaintext';
import { parseWire } from './wire';

/** The envelope types that carry a chat action. */
export type ChatActionType = 'reply' | 'edit' | 'delete' | 'reaction';

/** Longest reaction value (an emoji sequence or a short code), in UTF-16 code units. */
export const MAX_REACTION_LENGTH = 64;

/** A reaction value: 1-64 characters, well-formed, no spaces or control characters. */
export function isReactionValue(value: unknown): value is string {
  return typeof value === 'string' && value.length > 0 && value.length <= MAX_REACTION_LENGTH && isWellFormedUnicode(value) && !/[\p{Cc}\s]/u.test(value);
}

/** Longest text of a reply or an edit, in UTF-16 code units (a message's limit is the publish size, §7.5). */
export const MAX_CHAT_TEXT = 20_000;

/** A decoded chat action. */
export type ChatAction =
  | { readonly kind: 'reply'; readonly replyTo: MessageId; readonly text: string }
  | { readonly kind: 'edit'; readonly target: MessageId; readonly text: string }
  | { readonly kind: 'delete'; readonly target: MessageId }
  | { readonly kind: 'reaction'; readonly target: MessageId; readonly value: string; readonly op: 'add' | 'remove' };

const Text = z
  .string()
  .min(1)
  .max(MAX_CHAT_TEXT)
  .refine((t) => isWellFormedUnicode(t), 'text must be well-formed Unicode');

const BODY_SCHEMAS = {
  reply: z.strictObject({ replyTo: MessageIdSchema, text: Text }),
  edit: z.strictObject({ target: MessageIdSchema, text: Text }),
  delete: z.strictObject({ target: MessageIdSchema }),
  reaction: z.strictObject({
    target: MessageIdSchema,
    value: z.string().refine((v) => isReactionValue(v), `a reaction is 1-${MAX_REACTION_LENGTH} characters without spaces or control characters`),
    op: z.enum(['add', 'remove']),
  }),
} as const;

/** True for the envelope types of §7.7. */
export function isChatActionType(type: EnvelopeType | string): type is ChatActionType {
  return type === 'reply' || type === 'edit' || type === 'delete' || type === 'reaction';
}

/** The `json` body of an action, members in the order the vectors use. */
function bodyOf(action: ChatAction): Record<string, string> {
  switch (action.kind) {
    case 'reply':
      return { replyTo: action.replyTo, text: action.text };
    case 'edit':
      return { target: action.target, text: action.text };
    case 'delete':
      return { target: action.target };
    case 'reaction':
      return { target: action.target, value: action.value, op: action.op };
  }
}

/**
 * The inner plaintext of an action with its own `id` and `sentAt`; MalformedError for an action that does
 * not fit its shape (an empty or too long text, a bad id, a target that is the action itself).
 */
export function chatActionPlaintext(action: ChatAction, id: MessageId, sentAt: number): MessagePlaintext {
  const plaintext: MessagePlaintext = { id, sentAt, type: 'json', body: bodyOf(action) };
  decodeChatAction(action.kind, plaintext);
  return plaintext;
}

/**
 * The action an opened envelope of type `type` carries: undefined for a plain message (`message`,
 * `receipt`, `control`); MalformedError when the body is not the strict shape of its type or names the
 * action's own id.
 */
export function decodeChatAction(type: EnvelopeType | string, plaintext: MessagePlaintext): ChatAction | undefined {
  if (!isChatActionType(type)) return undefined;
  if (plaintext.type !== 'json') throw new MalformedError(`${type}: the body must be json`);
  const label = `${type} body`;
  let action: ChatAction;
  switch (type) {
    case 'reply': {
      const b = parseWire(BODY_SCHEMAS.reply, plaintext.body, label);
      action = { kind: 'reply', replyTo: b.replyTo, text: b.text };
      break;
    }
    case 'edit': {
      const b = parseWire(BODY_SCHEMAS.edit, plaintext.body, label);
      action = { kind: 'edit', target: b.target, text: b.text };
      break;
    }
    case 'delete':
      action = { kind: 'delete', target: parseWire(BODY_SCHEMAS.delete, plaintext.body, label).target };
      break;
    case 'reaction': {
      const b = parseWire(BODY_SCHEMAS.reaction, plaintext.body, label);
      action = { kind: 'reaction', target: b.target, value: b.value, op: b.op };
      break;
    }
  }
  const target = action.kind === 'reply' ? action.replyTo : action.target;
  if (target === plaintext.id) throw new MalformedError(`${type}: an action cannot name itself`);
  return action;
}

/**
 * An edit or delete may change a message only when its verified sender user is the target's verified
 * sender user (§7.7); NotAuthorError otherwise. Both users come from device certificates the receiver
 * verified when it opened each envelope, never from anything the envelope says about itself.
 */
export function checkAuthor(action: { readonly kind: 'edit' | 'delete'; readonly target: MessageId }, actionSender: UserId, targetSender: UserId): void {
  if (actionSender !== targetSender) {
    throw new NotAuthorError(`${actionSender} cannot ${action.kind === 'edit' ? 'edit' : 'delete'} message ${action.target}, which ${targetSender} sent`);
  }
}

/** True when edit `a` supersedes edit `b`: a later `sentAt`, or the same time and a greater id (total order). */
export function isNewerEdit(a: { readonly sentAt: number; readonly id: string }, b: { readonly sentAt: number; readonly id: string }): boolean {
  return a.sentAt !== b.sentAt ? a.sentAt > b.sentAt : a.id > b.id;
}
