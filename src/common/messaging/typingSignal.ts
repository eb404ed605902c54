/**
 * The typing indicator on the wire (docs/messaging.md §Typing): a PubNub signal on the conversation channel
 * carrying only `{"typing": true|false}` — no content, no key material. Signals are not stored in history,
 * not encrypted and not signed; the sender is the PubNub publisher the transport reports.
 */
import { z } from 'zod';

export const TypingSignalSchema = z.strictObject({ typing: z.boolean() });
export type TypingSignal = z.infer<typeof TypingSignalSchema>;

/** The typing state a signal payload announces, or undefined for anything else. */
export function parseTypingSignal(payload: unknown): boolean | undefined {
  const parsed = TypingSignalSchema.safeParse(payload);
  return parsed.success ? parsed.data.typing : undefined;
}
