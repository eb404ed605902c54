/**
 * Wire schemas of PubNub access (docs/api.md "PubNub", docs/broadcast.md §2.1): the Access Manager token
 * for the caller's conversation channels and inbox, and the one for their broadcast channels.
 */
import { z } from 'zod';

export const PubnubTokenSchema = z
  .object({
    token: z.string(),
    ttlMinutes: z.number().int(),
    expiresAt: z.number().int(),
    userId: z.string().describe('use as the PubNub userId'),
    subscribeKey: z.string(),
    publishKey: z.string(),
    readWrite: z.array(z.string()),
    read: z.array(z.string()),
  })
  .meta({ id: 'PubnubToken' });
export type PubnubToken = z.infer<typeof PubnubTokenSchema>;

/** `token: null` when the user has no broadcast channel. */
export const BroadcastPubnubTokenSchema = z.object({
  token: z.string().nullable(),
  ttlMinutes: z.number().int(),
  userId: z.string(),
  read: z.array(z.string()),
  readWrite: z.array(z.string()),
});
