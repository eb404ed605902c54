/**
 * What a desktop notification shows (its content hidden when the user or a
 * policy says so; docs/desktop.md §Desktop notifications). Decided here in main, never by the renderer:
 * `notificationText` applies the effective `notificationContent` setting (the user's choice unless IT
 * manages it); this module names the conversation next to the sender, shortens for display and builds
 * the summary of several messages. Under `none` neither the sender nor the conversation is named.
 */
import type { NotificationArgs } from '../../common/ipc/schemas/notifications';
import { notificationText, type NotificationText } from '../../common/policy/enforce';
import type { EffectivePolicy } from '../../common/policy/merge';

export const NOTIFICATION_TITLE_MAX = 100;
export const NOTIFICATION_BODY_MAX = 200;

type Policy = Pick<EffectivePolicy, 'values' | 'managed'>;

/** Whitespace collapsed to single spaces, cut to `max` characters (code points) with an ellipsis. */
export function shorten(text: string, max: number): string {
  const chars = Array.from(text.replace(/\s+/g, ' ').trim());
  return chars.length <= max
    ? chars.join('')
    : `${chars
        .slice(0, max - 1)
        .join('')
        .trimEnd()}…`;
}

/**
 * Who wrote, as the title names them: the sender, followed by the conversation when its title differs
 * from the sender's name (a group; a direct conversation is titled with the peer's name).
 */
export function senderLabel(args: Pick<NotificationArgs, 'senderName' | 'conversationTitle'>): string {
  return args.conversationTitle === args.senderName ? args.senderName : `${args.senderName} in ${args.conversationTitle}`;
}

/**
 * The notification for `count` messages of one conversation, `args` being the newest. A summary of
 * several says how many unless the policy allows the text, which then shows the newest message.
 */
export function notificationContent(policy: Policy, args: NotificationArgs, count = 1): NotificationText {
  const decided = notificationText(policy, { senderName: senderLabel(args), text: args.text });
  const body = count > 1 && policy.values.notificationContent !== 'full' ? `${count} new messages` : decided.body;
  return { title: shorten(decided.title, NOTIFICATION_TITLE_MAX), body: shorten(body, NOTIFICATION_BODY_MAX) };
}

/**
 * The body as Linux notification servers read it: they interpret a small markup language (Desktop
 * Notifications Specification, "Markup"), so message text is escaped to show as typed.
 */
export function escapeNotificationMarkup(text: string): string {
  return text.replace(/[&<>"']/g, (c) => MARKUP_ENTITIES[c] ?? c);
}

const MARKUP_ENTITIES: Readonly<Record<string, string>> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' };
