/**
 * Operator commands that map SCIM groups to broadcast roles (docs/operations.md "Groups and broadcast
 * roles"; `npm run server -- admin map-group|unmap-group|groups`). A mapped role goes into the role
 * claims of the group's active members from their next claim on; unmapping takes it out of the next
 * claim. Roles are broadcast role names (`subscriber:<channelId>`, `publisher:<channelId>` or a role a
 * channel's descriptor rule names); `channel-creator` is every account's already and is not mappable.
 * Every command is audited in its own transaction.
 */
import { CHANNEL_CREATOR_ROLE } from '../../common/broadcast/roles';
import { AppError } from '../../common/errors';
import type { Database, Queryable } from '../db/db';
import { ROLE_PATTERN } from '../claims/claimPayload';
import { insertAudit } from '../store/audit';
import { groupMembers, groupRoles, mapGroupRole, scimGroupById, scimGroupByName, scimGroupsPage, unmapGroupRole, type ScimGroupRow } from '../store/scimGroups';

export class UnknownGroupError extends AppError {
  constructor(which: string) {
    super(
      'unknown_group',
      `no SCIM group named ${JSON.stringify(which.slice(0, 64))} (the identity provider creates groups; see "admin groups")`,
      'validation',
    );
  }
}

export class InvalidRoleError extends AppError {
  constructor(message: string) {
    super('invalid_role', message, 'validation');
  }
}

async function groupOf(q: Queryable, which: string): Promise<ScimGroupRow> {
  const row = (await scimGroupById(q, which)) ?? (await scimGroupByName(q, which));
  if (row === undefined) throw new UnknownGroupError(which);
  return row;
}

function checkRole(role: string): void {
  if (!ROLE_PATTERN.test(role)) throw new InvalidRoleError(`role ${JSON.stringify(role.slice(0, 60))} is not a role name ([A-Za-z0-9_.:-], 1-200 characters)`);
  if (role === CHANNEL_CREATOR_ROLE) throw new InvalidRoleError(`${CHANNEL_CREATOR_ROLE} is every account's role already; it cannot be mapped`);
}

export interface GroupRoleChange {
  readonly groupId: string;
  readonly displayName: string;
  readonly role: string;
  readonly changed: boolean;
  readonly roles: string[];
}

/** Maps `role` to the group (id or display name); idempotent. */
export async function mapRoleToGroup(db: Database, which: string, role: string, actor: string, reason: string, now: number): Promise<GroupRoleChange> {
  checkRole(role);
  return db.transaction(async (tx) => {
    const group = await groupOf(tx, which);
    const changed = await mapGroupRole(tx, group.id, role, actor, now);
    await insertAudit(tx, { at: now, actor, action: 'group.role_map', target: group.id, detail: { displayName: group.display_name, role, reason, changed } });
    return { groupId: group.id, displayName: group.display_name, role, changed, roles: await groupRoles(tx, group.id) };
  });
}

/** Takes `role` off the group; idempotent. */
export async function unmapRoleFromGroup(db: Database, which: string, role: string, actor: string, reason: string, now: number): Promise<GroupRoleChange> {
  checkRole(role);
  return db.transaction(async (tx) => {
    const group = await groupOf(tx, which);
    const changed = await unmapGroupRole(tx, group.id, role);
    await insertAudit(tx, { at: now, actor, action: 'group.role_unmap', target: group.id, detail: { displayName: group.display_name, role, reason, changed } });
    return { groupId: group.id, displayName: group.display_name, role, changed, roles: await groupRoles(tx, group.id) };
  });
}

/** The SCIM groups with their member counts and mapped roles. */
export async function listGroups(db: Database, limit: number, offset: number, actor: string, now: number): Promise<{ groups: unknown[] }> {
  return db.transaction(async (tx) => {
    const { rows } = await scimGroupsPage(tx, limit, offset);
    const groups = [];
    for (const g of rows) {
      groups.push({ groupId: g.id, displayName: g.display_name, members: (await groupMembers(tx, g.id)).length, roles: await groupRoles(tx, g.id) });
    }
    await insertAudit(tx, { at: now, actor, action: 'groups.list', target: null, detail: { limit, offset, count: groups.length } });
    return { groups };
  });
}
