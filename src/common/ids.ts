/**
 * Branded identifiers (docs/protocol.md §2.4): users, devices, conversations, broadcast channels, messages. Every id is 8–64 characters of `[A-Za-z0-9_-]`, so it is
 * safe inside PubNub channel names (`conv.<id>`), URLs and file names without escaping. `newId` makes a
 * random one: 16 random bytes, base64url (22 characters).
 */
import { z } from 'zod';
import type { CryptoProvider } from './crypto/provider';
import { toBase64Url } from './encoding/base64url';

/** The pattern every id matches. */
export const ID_PATTERN = /^[A-Za-z0-9_-]{8,64}$/;

const idString = z.string().regex(ID_PATTERN, 'must be 8-64 characters of A-Z a-z 0-9 _ -');

export const UserIdSchema = idString.brand<'UserId'>();
export const DeviceIdSchema = idString.brand<'DeviceId'>();
export const ConversationIdSchema = idString.brand<'ConversationId'>();
export const ChannelIdSchema = idString.brand<'ChannelId'>();
export const MessageIdSchema = idString.brand<'MessageId'>();

export type UserId = z.infer<typeof UserIdSchema>;
export type DeviceId = z.infer<typeof DeviceIdSchema>;
export type ConversationId = z.infer<typeof ConversationIdSchema>;
export type ChannelId = z.infer<typeof ChannelIdSchema>;
export type MessageId = z.infer<typeof MessageIdSchema>;

/** True when `text` is a well-formed id of any kind. */
export function isId(text: unknown): text is string {
  return typeof text === 'string' && ID_PATTERN.test(text);
}

/** A fresh random id: base64url of 16 random bytes (128 bits). */
export function newId<T extends UserId | DeviceId | ConversationId | ChannelId | MessageId>(provider: Pick<CryptoProvider, 'randomBytes'>): T {
  return toBase64Url(provider.randomBytes(16)) as T;
}

export const newUserId = (p: Pick<CryptoProvider, 'randomBytes'>): UserId => newId<UserId>(p);
export const newDeviceId = (p: Pick<CryptoProvider, 'randomBytes'>): DeviceId => newId<DeviceId>(p);
export const newConversationId = (p: Pick<CryptoProvider, 'randomBytes'>): ConversationId => newId<ConversationId>(p);
export const newChannelId = (p: Pick<CryptoProvider, 'randomBytes'>): ChannelId => newId<ChannelId>(p);
export const newMessageId = (p: Pick<CryptoProvider, 'randomBytes'>): MessageId => newId<MessageId>(p);
