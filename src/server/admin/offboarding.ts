/**
 * Crypto-offboarding on the key service (docs/operations.md "Offboarding and the admin CLI"): deactivating
 * an account, in one transaction with its audit record and its PubNub effects in the durable outbox —
 *
 * - the account is marked deactivated: every sign-in (password, single sign-on, device proof, refresh)
 *   is refused with `account_deactivated` from then on;
 * - every session ends at once (the next request with any of its tokens is refused);
 * - every device is revoked without a signed statement (the organisation is not the account: the devices
 *   are not told to erase their keys), so the device lookup behind every rotation no longer lists them;
 * - every conversation they are in is marked for rotation (reason `user_deactivated`) and every member is
 *   sent `rotation_needed`: the next member to send rotates first (the client core does so inside
 *   `seal`), so the next message is under a version wrapped for none of their devices — finished even when
 *   no member is online now;
 * - their live PubNub tokens are revoked (outbox), so their subscription stops at once;
 * - their broadcast roles are withdrawn: a withdrawal is recorded here, durably, and the key service
 *   settles it before its key manager answers anyone (broadcastOffboarding.ts) — per-channel grants go,
 *   every channel they could read or publish on gets a new key version they cannot fetch, and the key
 *   manager refuses them from then on, whatever unexpired claim they still hold.
 *
 * The key service cannot sign membership statements (docs/protocol.md §15): the user stays in each
 * conversation's signed member list until an admin removes them; they only hold no device that can read.
 * That keeps the zero-trust rule — the server can take readers away, never add one. Reactivation undoes
 * the device revocations this made and marks the conversations for rotation again, so the next version
 * includes their devices; what was sent meanwhile stays unreadable to them. It also lifts the key-manager
 * revocations its deactivation made (broadcastOffboarding.ts); the per-channel grants stay withdrawn.
 */
import type { UserId } from '../../common/ids';
import type { Queryable } from '../db/db';
import { Effects } from '../pubnub/effects';
import { markUserConversationsNeedRotation } from '../store/conversations';
import { rotationNotices } from '../pubnub/rotationNotices';
import { restoreDevicesOfUser, revokeDevicesOfUser } from '../store/devices';
import { takeLiveTokens } from '../store/pubnubTokens';
import { revokeUserSessions } from '../store/sessions';
import { setDeactivated, userById, userByName, type UserRow } from '../store/users';
import { insertAudit } from '../store/audit';
import { requestBroadcastRestore, requestBroadcastWithdrawal } from '../store/scimGroups';
import { AppError } from '../../common/errors';

export interface OffboardingDeps {
  readonly db: { transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T> };
  readonly now: () => number;
  /** Writes the effects to the outbox in `tx` (the key service's `outbox.record`, or the CLI's direct insert). */
  readonly record: (tx: Queryable, effects: Effects) => Promise<unknown>;
}

export interface OffboardingResult {
  readonly userId: string;
  readonly username: string;
  /** False when the account was already in the asked state (nothing changed, nothing recorded but the audit line). */
  readonly changed: boolean;
  readonly sessionsEnded: number;
  readonly devices: number;
  readonly conversations: number;
  readonly tokensRevoked: number;
}

export class UnknownAccountError extends AppError {
  constructor(who: string) {
    super('unknown_user', `no account named ${JSON.stringify(who.slice(0, 64))}`);
  }
}

/** The account named by user id or username. */
async function accountOf(q: Queryable, who: string): Promise<UserRow> {
  const row = (await userById(q, who)) ?? (await userByName(q, who.toLowerCase()));
  if (row === undefined) throw new UnknownAccountError(who);
  return row;
}

/** Deactivates `who` (user id or username); idempotent. `actor` names who asked, for the audit log. */
export async function deactivateAccount(deps: OffboardingDeps, who: string, actor: string, reason: string): Promise<OffboardingResult> {
  const effects = new Effects();
  return deps.db.transaction(async (tx) => {
    const user = await accountOf(tx, who);
    const now = deps.now();
    const base = { userId: user.id, username: user.username };
    if (!(await setDeactivated(tx, user.id, now))) {
      await insertAudit(tx, { at: now, actor, action: 'user.deactivate', target: user.id, detail: { username: user.username, reason, changed: false } });
      return { ...base, changed: false, sessionsEnded: 0, devices: 0, conversations: 0, tokensRevoked: 0 };
    }
    const sessionsEnded = await revokeUserSessions(tx, user.id, 'account_deactivated', now);
    const devices = await revokeDevicesOfUser(tx, user.id, now);
    const conversations = await markUserConversationsNeedRotation(tx, user.id, 'user_deactivated', now);
    const tokens = await takeLiveTokens(tx, user.id, now);
    effects.revoke(tokens);
    await requestBroadcastWithdrawal(tx, user.id, now);
    effects.notify([user.id], { type: 'access_changed' });
    await rotationNotices(tx, effects, conversations);
    const result = { ...base, changed: true, sessionsEnded, devices, conversations: conversations.length, tokensRevoked: tokens.length };
    await insertAudit(tx, { at: now, actor, action: 'user.deactivate', target: user.id, detail: { ...result, reason } });
    await deps.record(tx, effects);
    return result;
  });
}

/** Reactivates `who`: sign-in works again, the devices the deactivation revoked are restored; idempotent. */
export async function reactivateAccount(deps: OffboardingDeps, who: string, actor: string, reason: string): Promise<OffboardingResult> {
  const effects = new Effects();
  return deps.db.transaction(async (tx) => {
    const user = await accountOf(tx, who);
    const now = deps.now();
    const base = { userId: user.id, username: user.username, sessionsEnded: 0, tokensRevoked: 0 };
    const since = user.deactivated_at;
    if (since === null || !(await setDeactivated(tx, user.id, null))) {
      await insertAudit(tx, { at: now, actor, action: 'user.reactivate', target: user.id, detail: { username: user.username, reason, changed: false } });
      return { ...base, changed: false, devices: 0, conversations: 0 };
    }
    const devices = await restoreDevicesOfUser(tx, user.id, since);
    await requestBroadcastRestore(tx, user.id, now);
    const conversations = await markUserConversationsNeedRotation(tx, user.id, 'user_reactivated', now);
    effects.notify([user.id as UserId], { type: 'access_changed' });
    await rotationNotices(tx, effects, conversations);
    const result = { ...base, changed: true, devices, conversations: conversations.length };
    await insertAudit(tx, { at: now, actor, action: 'user.reactivate', target: user.id, detail: { ...result, reason, deactivatedAt: since } });
    await deps.record(tx, effects);
    return result;
  });
}
