/**
 * The domain vocabulary every layer shares (docs/api.md, docs/client.md, docs/broadcast.md §2.1), declared
 * once: what kind a conversation is, which role a member holds, what history a new member reads, where a
 * device link stands on the key service, and which role a broadcast grant gives. The key service's wire
 * schemas (src/common/api) and its store, the client core, the IPC contract and the renderer import these;
 * nothing else spells the lists. Device platforms belong to the device certificate
 * (src/common/protocol/deviceCertificate.ts, docs/protocol.md §4).
 */
import { z } from 'zod';

/** `direct`: exactly two members, no name; `group`: named, members added and removed. */
export const ConversationKindSchema = z.enum(['direct', 'group']);
export type ConversationKind = z.infer<typeof ConversationKindSchema>;

/** A member's role in a conversation, highest first. */
export const RoleSchema = z.enum(['owner', 'admin', 'member']);
export type Role = z.infer<typeof RoleSchema>;

/** The roles an owner or admin gives (the owner role only moves when an owner leaves). */
export const AssignableRoleSchema = RoleSchema.exclude(['owner']);
export type AssignableRole = z.infer<typeof AssignableRoleSchema>;

/** Which key versions a member added later receives. */
export const HistoryPolicySchema = z
  .enum(['shared', 'joined'])
  .describe('shared: members get every key version; joined: from the version current when they joined');
export type HistoryPolicy = z.infer<typeof HistoryPolicySchema>;

/** A device link on the key service (docs/protocol.md §14): opened by the new device, claimed, approved. */
export const DeviceLinkStateSchema = z.enum(['waiting', 'claimed', 'approved']);
export type DeviceLinkState = z.infer<typeof DeviceLinkStateSchema>;

/** What a per-channel broadcast grant lets a user do (docs/broadcast.md §2.1). */
export const ChannelRoleKindSchema = z.enum(['subscriber', 'publisher']);
export type ChannelRoleKind = z.infer<typeof ChannelRoleKindSchema>;
