/**
 * A position in a conversation's membership chain (docs/protocol.md §15): the sequence number of a
 * statement and its hash. A key-version record names the head it was made for (§6.1 `membership`), so
 * receivers check its member devices against the members at exactly that head.
 */
import { z } from 'zod';
import { b64uField, wireInt } from './wire';

/** Highest sequence number (fits a 4-byte field, like key versions). */
export const MAX_SEQ = 2 ** 31 - 1;

export const MembershipHeadSchema = z.strictObject({ seq: wireInt(0, MAX_SEQ), hash: b64uField(32) });
export type MembershipHead = z.infer<typeof MembershipHeadSchema>;
