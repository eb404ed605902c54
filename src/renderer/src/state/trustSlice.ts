/**
 * Trust slice (security panel; safety numbers: docs/protocol.md §10.1): each contact's verification state
 * and this user's own code to read out, marking a contact verified and accepting a changed identity key —
 * both with the code typed from the contact's screen, which main checks. An unaccepted change blocks the
 * composer of every conversation with that contact (as does an unverified contact when policy requires
 * verified contacts).
 */
import type { StateCreator } from 'zustand';
import type { BridgeClient } from '../bridge/client';
import type { UserId } from '../../../common/ids';
import type { ConversationSummary } from '../../../common/ipc/schemas/conversations';
import type { ContactTrust } from '../../../common/ipc/schemas/verification';
import { toUiError, type UiError } from '../model/uiError';

export interface TrustSlice {
  trust: { byUser: Record<string, ContactTrust>; error: UiError | null };
  loadTrust(userIds: readonly UserId[]): Promise<void>;
  markVerified(userId: UserId, contactCode: string): Promise<void>;
  acknowledgeIdentityChange(userId: UserId, contactCode: string): Promise<void>;
}

export function createTrustSlice(bridge: BridgeClient): StateCreator<TrustSlice, [], [], TrustSlice> {
  return (set) => {
    const store = (t: ContactTrust) => set((s) => ({ trust: { byUser: { ...s.trust.byUser, [t.userId]: t }, error: null } }));
    const fail = (e: unknown) => set((s) => ({ trust: { ...s.trust, error: toUiError(e) } }));
    return {
      trust: { byUser: {}, error: null },
      async loadTrust(userIds) {
        const results = await Promise.allSettled(userIds.map((id) => bridge.contactTrust(id)));
        for (const r of results) {
          if (r.status === 'fulfilled') store(r.value);
          else fail(r.reason);
        }
      },
      markVerified: (userId, contactCode) => bridge.markVerified(userId, contactCode).then(store, fail),
      acknowledgeIdentityChange: (userId, contactCode) => bridge.acknowledgeIdentityChange(userId, contactCode).then(store, fail),
    };
  };
}

/** Why the composer of a conversation is blocked, or null: an unacknowledged identity change first. */
export interface ComposerBlock {
  reason: 'identity_changed' | 'unverified';
  userId: string;
  displayName: string;
}

export function composerBlock(
  conversation: ConversationSummary | null,
  byUser: Readonly<Record<string, ContactTrust>>,
  selfUserId: string | null,
  requireVerified: boolean,
): ComposerBlock | null {
  if (conversation === null) return null;
  const others = conversation.members.filter((m) => m.userId !== selfUserId);
  const changed = others.find((m) => byUser[m.userId]?.state === 'changed');
  if (changed) return { reason: 'identity_changed', userId: changed.userId, displayName: changed.displayName };
  if (!requireVerified) return null;
  const unverified = others.find((m) => byUser[m.userId]?.state !== 'verified');
  return unverified ? { reason: 'unverified', userId: unverified.userId, displayName: unverified.displayName } : null;
}

export const trustSelectors = {
  byUser: (s: TrustSlice) => s.trust.byUser,
  error: (s: TrustSlice) => s.trust.error,
};
