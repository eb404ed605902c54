/**
 * IPC schemas for desktop notifications and navigation requests from main (deep links, notification
 * clicks). The renderer hands main the already-decrypted preview text of a message it received; main
 * decides, by the user's setting and the managed `notificationContent` policy, how much of it the OS
 * notification shows. Nothing here carries key material.
 */
import { z } from 'zod';
import { ConversationIdSchema, UserIdSchema } from '../../ids';

/** Upper bound on preview text the renderer may pass; main shortens it further for display. */
export const NOTIFICATION_TEXT_MAX = 2000;

export const notificationArgsSchema = z
  .object({
    conversationId: ConversationIdSchema,
    /** Display title of the conversation (a group name or the peer's name). */
    conversationTitle: z.string().trim().min(1).max(200),
    senderUserId: UserIdSchema,
    senderName: z.string().trim().min(1).max(200),
    text: z.string().max(NOTIFICATION_TEXT_MAX),
  })
  .strict();
export type NotificationArgs = z.infer<typeof notificationArgsSchema>;

/** Whether an OS notification was shown, and if not, why (focused window, setting, policy, unsupported). */
export const notificationResultSchema = z.object({
  shown: z.boolean(),
  reason: z.enum(['shown', 'window-focused', 'disabled', 'unsupported']),
});
export type NotificationResult = z.infer<typeof notificationResultSchema>;

export const navigateSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('conversation'), conversationId: ConversationIdSchema }),
  // Exactly the canonical link code (src/common/protocol/deviceLinkCode.ts), as src/main/security/deepLink.ts requires.
  z.object({ kind: z.literal('link-device'), code: z.string().regex(/^[0-9A-HJKMNP-TV-Z]{10}$/) }),
]);
export type Navigate = z.infer<typeof navigateSchema>;
