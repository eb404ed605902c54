/**
 * Presence status (docs/protocol.md §7.8): whether a user is online or away, and an optional status text,
 * as an envelope (§7) of header `type` `presence`, sealed with the conversation key and signed by the sender
 * device like a message. It travels only as PubNub presence state (`{"seed": <envelope>}` on `conv.<id>`),
 * so the relay stores ciphertext only. The inner plaintext (§7.2) has `bodyType` `json`, its `sentAt` the
 * signed time of the status, and a closed body:
 *   {"availability": "online" | "away", "text": <0..MAX_STATUS_TEXT characters>}
 * Offline is never a status: it is the absence of presence (a `leave` or `timeout`).
 */
import { z } from 'zod';
import { isWellFormedUnicode } from '../encoding/utf8';
import type { MessageId, UserId } from '../ids';
import { MalformedError, PresenceNotOwnError, WrongEnvelopeTypeError } from './errors';
import type { MessagePlaintext } from './plaintext';
import { parseWire } from './wire';

/** Longest status text, in UTF-16 code units. */
export const MAX_STATUS_TEXT = 140;

/** The key of the presence-state object that carries the sealed status. */
export const PRESENCE_STATE_KEY = 'seed';

export const AVAILABILITIES = ['online', 'away'] as const;
export type Availability = (typeof AVAILABILITIES)[number];

export interface PresenceStatus {
  readonly availability: Availability;
  readonly text: string;
}

const BodySchema = z.strictObject({
  availability: z.enum(AVAILABILITIES),
  text: z
    .string()
    .max(MAX_STATUS_TEXT)
    .refine((t) => isWellFormedUnicode(t), 'text must be well-formed Unicode'),
});

/** The inner plaintext of a status; MalformedError for a text too long or not well-formed. */
export function presencePlaintext(status: PresenceStatus, id: MessageId, sentAt: number): MessagePlaintext {
  const plaintext: MessagePlaintext = { id, sentAt, type: 'json', body: { availability: status.availability, text: status.text } };
  decodePresenceStatus('presence', plaintext);
  return plaintext;
}

/**
 * The status an opened envelope of type `type` carries; WrongEnvelopeTypeError when the envelope is not a
 * presence status, MalformedError when its body is not the closed shape above.
 */
export function decodePresenceStatus(type: string, plaintext: MessagePlaintext): PresenceStatus {
  if (type !== 'presence') throw new WrongEnvelopeTypeError(`a ${type} envelope is not a presence status`);
  if (plaintext.type !== 'json') throw new MalformedError('presence: the body must be json');
  const body = parseWire(BodySchema, plaintext.body, 'presence body');
  return { availability: body.availability, text: body.text };
}

/**
 * A status is shown for PubNub user id `stateOf` only when its verified sender user — the user whose
 * certificate vouches for the signing device — is that user; PresenceNotOwnError otherwise.
 */
export function checkOwnStatus(stateOf: string, senderUser: UserId): void {
  if (stateOf !== senderUser) throw new PresenceNotOwnError(`a status signed by ${senderUser} was found in the presence state of ${stateOf}`);
}
