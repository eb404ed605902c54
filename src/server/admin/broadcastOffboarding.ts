/**
 * Withdrawing a deactivated account's broadcast access (docs/operations.md "Offboarding and the admin
 * CLI", docs/broadcast.md §4.1). Deactivation (offboarding.ts — SCIM `active: false`, SCIM DELETE or the
 * admin CLI, which runs in another process) records a withdrawal in the key service database in its own
 * transaction. The key service settles pending withdrawals before its default key manager answers any
 * request that carries a claim (the key manager's `gate`):
 *
 * 1. the key manager revokes the account on every channel they could read or publish on (as creator,
 *    through a descriptor rule given the roles they held — per-channel grants and SCIM-group roles — or
 *    as a recorded publisher), appending a key version they cannot fetch, so what is published next is
 *    sealed to a key they never held, and subscribers stop accepting their signatures from then on;
 * 2. their per-channel grants are deleted (an owner who wants them back grants again);
 * 3. the withdrawal is marked done with an audit record (`user.broadcast_withdraw`, actor `key-service`).
 *
 * Reactivation (offboarding.ts) asks for the revocations of step 1 to be lifted; settling does that too
 * (audited `user.broadcast_restore`), so a rule that admits them again — a group they are still in, a
 * grant the owner makes again — serves them every version, as any new subscriber. Their grants are not
 * given back.
 *
 * Each step is idempotent (a revoked channel is skipped, deleting no grants is nothing), so a crash in
 * between is finished by the next request. Settling runs one at a time. Whatever the state of the
 * withdrawal, the gate refuses a deactivated account (`subscriber_revoked`) — an unexpired role claim
 * they kept is worth nothing — and the key service issues them no new claim (`account_deactivated`).
 *
 * Channels on a custom key manager are out of the key service's reach: they stop getting claims here,
 * and their creator revokes them at that key manager.
 */
import { BroadcastError } from '../../common/broadcast/errors';
import type { Database } from '../db/db';
import type { RoleGrants } from '../claims/roleGrants';
import type { KeyManager } from '../keyManager/keyManager';
import { insertAudit } from '../store/audit';
import {
  finishBroadcastRestore,
  finishBroadcastWithdrawal,
  groupRolesOfUser,
  pendingBroadcastRestores,
  pendingBroadcastWithdrawals,
} from '../store/scimGroups';
import { userById } from '../store/users';

export interface BroadcastOffboardingDeps {
  readonly db: Database;
  readonly grants: () => RoleGrants;
  readonly km: () => Pick<KeyManager, 'withdrawUser' | 'restoreUser'>;
  readonly now: () => number;
}

export const KEY_SERVICE_ACTOR = 'key-service';

export function broadcastOffboarding(deps: BroadcastOffboardingDeps): { settle(): Promise<void>; gate(userId: string): Promise<void> } {
  let queue: Promise<void> = Promise.resolve();

  async function settleOnce(): Promise<void> {
    for (const { user_id: userId, detail: earlier } of await pendingBroadcastWithdrawals(deps.db)) {
      // Revocations of an earlier withdrawal that were never lifted stay on the list, to be lifted together.
      const carried = earlier === null ? [] : ((JSON.parse(earlier) as { rotated?: { channelId: string; version: number }[] }).rotated ?? []);
      const user = await userById(deps.db, userId);
      if (user === undefined || user.deactivated_at === null) {
        await deps.db.transaction((tx) => finishBroadcastWithdrawal(tx, userId, deps.now(), { skipped: 'reactivated', rotated: carried }));
        continue;
      }
      const roles = [...new Set([...deps.grants().rolesOf(userId), ...(await groupRolesOfUser(deps.db, userId, { includeDeactivated: true }))])];
      const rotated = [...carried, ...(await deps.km().withdrawUser(userId, roles))];
      const grantsWithdrawn = deps.grants().withdrawAll(userId);
      await deps.db.transaction(async (tx) => {
        const now = deps.now();
        if (!(await finishBroadcastWithdrawal(tx, userId, now, { rotated, grantsWithdrawn }))) return;
        await insertAudit(tx, {
          at: now,
          actor: KEY_SERVICE_ACTOR,
          action: 'user.broadcast_withdraw',
          target: userId,
          detail: { username: user.username, channelsRotated: rotated, grantsWithdrawn },
        });
      });
    }
  }

  /** Reactivated accounts: lift the revocations their withdrawal made (their grants stay withdrawn). */
  async function restoreOnce(): Promise<void> {
    for (const row of await pendingBroadcastRestores(deps.db)) {
      const user = await userById(deps.db, row.user_id);
      if (user === undefined || user.deactivated_at !== null) continue;
      const detail = (row.detail === null ? {} : JSON.parse(row.detail)) as { rotated?: { channelId: string }[] };
      const restored = deps.km().restoreUser(
        row.user_id,
        (detail.rotated ?? []).map((r) => r.channelId),
      );
      await deps.db.transaction(async (tx) => {
        const now = deps.now();
        if (!(await finishBroadcastRestore(tx, row.user_id, now))) return;
        await insertAudit(tx, {
          at: now,
          actor: KEY_SERVICE_ACTOR,
          action: 'user.broadcast_restore',
          target: row.user_id,
          detail: { username: user.username, channelsRestored: restored },
        });
      });
    }
  }

  const settleAll = async () => {
    await settleOnce();
    await restoreOnce();
  };

  const settle = () => {
    queue = queue.then(settleAll, settleAll);
    return queue;
  };

  return {
    settle,
    async gate(userId) {
      await settle();
      const user = await userById(deps.db, userId);
      if (user !== undefined && user.deactivated_at !== null)
        throw new BroadcastError('subscriber_revoked', 'this account was deactivated by its organisation; its broadcast access is withdrawn');
    },
  };
}
