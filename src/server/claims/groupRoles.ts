/**
 * The broadcast roles a user holds (docs/broadcast.md §2.1, docs/operations.md "Groups and broadcast
 * roles"): the per-channel grants a channel's owner made (roleGrants.ts) and the roles an operator mapped
 * to the SCIM groups the user is a member of (store/scimGroups.ts) — none at all for a deactivated
 * account. This is what the claim issuer signs, the directory reports and the broadcast PubNub token grants.
 */
import type { Queryable } from '../db/db';
import { groupRolesOfUser } from '../store/scimGroups';
import { userById } from '../store/users';
import type { RoleGrants } from './roleGrants';

export async function rolesOfUser(q: Queryable, grants: RoleGrants, userId: string): Promise<string[]> {
  const user = await userById(q, userId);
  if (user === undefined || user.deactivated_at !== null) return [];
  return [...new Set([...grants.rolesOf(userId), ...(await groupRolesOfUser(q, userId))])].sort();
}
