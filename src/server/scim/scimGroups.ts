/**
 * SCIM 2.0 `/Groups` (RFC 7643 §4.2, RFC 7644 §3) for the organisation's identity provider, beside
 * `/Users` (scim.ts), with the same bearer token and wire format (scimWire.ts):
 *
 * - `POST /Groups` `{displayName, externalId?, members?: [{value}]}` → 201; a display name taken
 *   (case-insensitive) is 409 `uniqueness`.
 * - `GET /Groups/{id}`, `GET /Groups` (paged), filters `displayName eq "…"`, `externalId eq "…"`, `id eq "…"`
 *   and Entra ID's membership probe `id eq "…" and members[value eq "…"]`; `excludedAttributes=members`.
 * - `PUT` replaces the name, externalId and members. `PATCH` takes both providers' shapes: Entra ID's
 *   `{"op":"Add"|"Remove","path":"members","value":[{"value":id}]}` and `Replace` of `displayName`;
 *   Okta's `{"op":"replace","value":{"id","displayName"}}`, `{"op":"remove","path":"members[value eq \"id\"]"}`
 *   and `add` of `members`. `op` is case-insensitive; adding a member twice or removing a non-member
 *   changes nothing (idempotent).
 * - `DELETE /Groups/{id}` → 204, then 404: the group, its members and its role mappings go.
 * - A member must be an account of this key service (`invalidValue` otherwise); a bad request changes
 *   nothing (each write is one transaction, checked before it writes).
 *
 * What a group MEANS here (docs/operations.md "Groups and broadcast roles"): a directory fact that feeds
 * broadcast role claims. An operator maps a group to roles (`admin map-group`); the key service's claim
 * issuer puts those roles in the claims of the group's active members (claims/groupRoles.ts), so a member
 * removed from the group loses the role at the next claim (claims live 300 s). A group never adds anyone
 * to a conversation: encrypted membership is signed by members' devices (docs/protocol.md §15), and the
 * key service cannot add a reader.
 *
 * Every change is audited with actor `scim`.
 */
import type { IncomingMessage } from 'node:http';
import { z } from 'zod';
import { UniqueViolation } from '../db/dbErrors';
import type { Database, Queryable } from '../db/db';
import { insertAudit } from '../store/audit';
import {
  addGroupMember,
  deleteScimGroup,
  groupMembers,
  insertScimGroup,
  removeGroupMember,
  scimGroupById,
  scimGroupByName,
  scimGroupsPage,
  updateScimGroup,
  type ScimGroupRow,
} from '../store/scimGroups';
import { usersByIds } from '../store/users';
import { LIST_SCHEMA, MAX_PAGE, PATCH_SCHEMA, parseWith, readBody, ScimError } from './scimWire';

const GROUP_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:Group';
const MAX_MEMBERS_PER_REQUEST = 1000;

export interface ScimGroupDeps {
  readonly db: Database;
  readonly now: () => number;
  readonly newId: () => string;
  /** Audit actor. */
  readonly actor: string;
}

const MemberSchema = z.looseObject({ value: z.string().min(1).max(64), display: z.string().max(200).optional() });
const Members = z.array(MemberSchema).max(MAX_MEMBERS_PER_REQUEST);

const DisplayName = z
  .string()
  .transform((s) => s.replace(/[\p{Cc}\p{Cs}]/gu, '').trim())
  .pipe(z.string().min(1, 'displayName must not be empty').max(200));

const GroupSchema = z.looseObject({
  displayName: DisplayName,
  externalId: z.string().max(200).nullish(),
  members: Members.nullish(),
});

const PatchSchema = z.looseObject({
  schemas: z.array(z.string()).refine((s) => s.includes(PATCH_SCHEMA), 'not a PatchOp'),
  Operations: z
    .array(z.looseObject({ op: z.string().transform((o) => o.toLowerCase()), path: z.string().max(300).optional(), value: z.unknown().optional() }))
    .min(1)
    .max(100),
});

/** What the key service keeps of a group. */
interface GroupState {
  displayName: string;
  externalId: string | null;
  members: Set<string>;
}

const ID = /^[A-Za-z0-9_-]{1,64}$/;

/** The group's state plus its id (for Okta's id echo). */
type Current = GroupState & { id: string };

/** `members[value eq "id"]` (Okta's removal path) → the id. */
function memberPathId(path: string): string | undefined {
  const m = /^members\[\s*value\s+eq\s+"((?:[^"\\]|\\.)*)"\s*\]$/i.exec(path.trim());
  return m ? m[1]!.replace(/\\(.)/g, '$1') : undefined;
}

function memberIdsOf(value: unknown): string[] {
  if (value === undefined || value === null) return [];
  const list = Array.isArray(value) ? value : [value];
  const parsed = Members.safeParse(list);
  if (!parsed.success) throw new ScimError(400, 'members must be a list of {"value": "<user id>"}', 'invalidValue');
  return parsed.data.map((m) => m.value);
}

function text(v: unknown): string {
  return typeof v === 'string' ? v : v === null || v === undefined ? '' : String(v);
}

/** Applies PATCH operations (RFC 7644 §3.5.2) to a group's state; unknown attributes are ignored. */
function patched(state: Current, ops: z.infer<typeof PatchSchema>['Operations']): GroupState {
  const next: Current = { ...state, members: new Set(state.members) };
  const set = (attribute: string, value: unknown, op: string) => {
    const key = attribute.toLowerCase();
    if (key === 'displayname') {
      if (op === 'remove') throw new ScimError(400, 'displayName cannot be removed', 'mutability');
      const name = DisplayName.safeParse(text(value));
      if (!name.success) throw new ScimError(400, 'displayName must be 1-200 characters', 'invalidValue');
      next.displayName = name.data;
    } else if (key === 'externalid') {
      next.externalId = op === 'remove' ? null : text(value).slice(0, 200);
    } else if (key === 'members') {
      const ids = memberIdsOf(value);
      if (op === 'add') for (const id of ids) next.members.add(id);
      else if (op === 'replace') next.members = new Set(ids);
      else if (ids.length === 0) next.members.clear();
      else for (const id of ids) next.members.delete(id);
    } else if (key === 'id') {
      // Okta repeats the group's id in a replace; another id is an attempt to change it.
      if (text(value) !== state.id) throw new ScimError(400, 'id cannot be changed', 'mutability');
    }
  };
  for (const o of ops) {
    if (o.op !== 'add' && o.op !== 'replace' && o.op !== 'remove')
      throw new ScimError(400, `unknown patch op ${JSON.stringify(o.op).slice(0, 40)}`, 'invalidSyntax');
    if (o.path !== undefined) {
      const path = o.path.replace(/^urn:ietf:params:scim:schemas:core:2\.0:Group:/i, '');
      const member = memberPathId(path);
      if (member !== undefined) {
        if (o.op !== 'remove') throw new ScimError(400, 'a members[value eq …] path is only for remove', 'invalidPath');
        next.members.delete(member);
      } else if (/[[\]]/.test(path)) {
        throw new ScimError(400, `unsupported path ${JSON.stringify(path.slice(0, 60))}`, 'invalidPath');
      } else {
        set(path, o.value, o.op);
      }
    } else if (o.value !== null && typeof o.value === 'object' && !Array.isArray(o.value)) {
      for (const [k, v] of Object.entries(o.value as Record<string, unknown>)) set(k, v, o.op);
    } else {
      throw new ScimError(400, 'a patch operation without a path needs an object value', 'noTarget');
    }
  }
  return next;
}

async function view(q: Queryable, row: ScimGroupRow, withMembers: boolean): Promise<Record<string, unknown>> {
  const members = withMembers
    ? (await groupMembers(q, row.id)).map((m) => ({ value: m.user_id, display: m.display_name, $ref: `Users/${m.user_id}`, type: 'User' }))
    : undefined;
  return {
    schemas: [GROUP_SCHEMA],
    id: row.id,
    ...(row.external_id === null ? {} : { externalId: row.external_id }),
    displayName: row.display_name,
    ...(members === undefined ? {} : { members }),
    meta: {
      resourceType: 'Group',
      created: new Date(Number(row.created_at)).toISOString(),
      lastModified: new Date(Number(row.updated_at)).toISOString(),
      location: `/scim/v2/Groups/${row.id}`,
    },
  };
}

type Filter = { kind: 'displayName' | 'externalId' | 'id'; value: string; member?: string };

const QUOTED = '"((?:[^"\\\\]|\\\\.)*)"';
const unquote = (s: string) => s.replace(/\\(.)/g, '$1');

/** The filters providers send to find a group (RFC 7644 §3.4.2.2, the subset they use). */
function groupFilter(filter: string): Filter {
  const simple = new RegExp(`^\\s*(displayName|externalId|id)\\s+eq\\s+${QUOTED}\\s*$`, 'i').exec(filter);
  if (simple) return { kind: attributeOf(simple[1]!), value: unquote(simple[2]!) };
  const probe = new RegExp(`^\\s*id\\s+eq\\s+${QUOTED}\\s+and\\s+members\\[\\s*value\\s+eq\\s+${QUOTED}\\s*\\]\\s*$`, 'i').exec(filter);
  if (probe) return { kind: 'id', value: unquote(probe[1]!), member: unquote(probe[2]!) };
  throw new ScimError(400, 'supported filters: displayName eq "…", externalId eq "…", id eq "…" [and members[value eq "…"]]', 'invalidFilter');
}

function attributeOf(name: string): Filter['kind'] {
  const lower = name.toLowerCase();
  return lower === 'displayname' ? 'displayName' : lower === 'externalid' ? 'externalId' : 'id';
}

/** The `/Groups` routes; `path` is the part after `/scim/v2`. */
export function scimGroupRoutes(deps: ScimGroupDeps) {
  const { db } = deps;

  async function live(q: Queryable, id: string): Promise<ScimGroupRow> {
    const row = ID.test(id) ? await scimGroupById(q, id) : undefined;
    if (row === undefined) throw new ScimError(404, 'no such group');
    return row;
  }

  /** Refuses unknown member ids before anything is written. */
  async function checkMembers(q: Queryable, ids: Iterable<string>): Promise<void> {
    const wanted = [...new Set(ids)];
    if (wanted.some((id) => !ID.test(id))) throw new ScimError(400, 'a member value is not a user id of this service', 'invalidValue');
    const found = new Set((await usersByIds(q, wanted)).map((u) => u.id));
    const missing = wanted.find((id) => !found.has(id));
    if (missing !== undefined) throw new ScimError(400, `no user ${JSON.stringify(missing)} to add as a member`, 'invalidValue');
  }

  async function currentOf(q: Queryable, row: ScimGroupRow): Promise<Current> {
    return {
      id: row.id,
      displayName: row.display_name,
      externalId: row.external_id,
      members: new Set((await groupMembers(q, row.id)).map((m) => m.user_id)),
    };
  }

  /** Writes `next` over the group in one transaction with its audit record; answers the group. */
  async function store(id: string, next: GroupState, action: 'group.update'): Promise<Record<string, unknown>> {
    try {
      return await db.transaction(async (tx) => {
        const row = await live(tx, id);
        const before = await currentOf(tx, row);
        const other = await scimGroupByName(tx, next.displayName);
        if (other !== undefined && other.id !== id) throw new ScimError(409, 'another group has this displayName', 'uniqueness');
        const added = [...next.members].filter((m) => !before.members.has(m));
        const removed = [...before.members].filter((m) => !next.members.has(m));
        await checkMembers(tx, added);
        const now = deps.now();
        const renamed = before.displayName !== next.displayName || before.externalId !== next.externalId;
        if (renamed) await updateScimGroup(tx, id, { display_name: next.displayName, external_id: next.externalId }, now);
        for (const m of added) await addGroupMember(tx, id, m, now);
        for (const m of removed) await removeGroupMember(tx, id, m);
        if (renamed || added.length > 0 || removed.length > 0) {
          if (!renamed) await tx.run('UPDATE scim_groups SET updated_at = ? WHERE id = ?', [now, id]);
          await insertAudit(tx, { at: now, actor: deps.actor, action, target: id, detail: { displayName: next.displayName, added, removed } });
        }
        return view(tx, (await scimGroupById(tx, id))!, true);
      });
    } catch (err) {
      if (err instanceof UniqueViolation) throw new ScimError(409, 'another group has this displayName', 'uniqueness');
      throw err;
    }
  }

  async function create(body: unknown): Promise<Record<string, unknown>> {
    const g = parseWith(GroupSchema, body);
    const members = [...new Set((g.members ?? []).map((m) => m.value))];
    const id = deps.newId();
    try {
      return await db.transaction(async (tx) => {
        if (await scimGroupByName(tx, g.displayName)) throw new ScimError(409, 'a group with this displayName exists', 'uniqueness');
        await checkMembers(tx, members);
        const now = deps.now();
        await insertScimGroup(tx, { id, display_name: g.displayName, external_id: g.externalId ?? null }, now);
        for (const m of members) await addGroupMember(tx, id, m, now);
        await insertAudit(tx, { at: now, actor: deps.actor, action: 'group.provision', target: id, detail: { displayName: g.displayName, added: members } });
        return view(tx, (await scimGroupById(tx, id))!, true);
      });
    } catch (err) {
      if (err instanceof UniqueViolation) throw new ScimError(409, 'a group with this displayName exists', 'uniqueness');
      throw err;
    }
  }

  async function list(url: URL): Promise<Record<string, unknown>> {
    const filter = url.searchParams.get('filter');
    const withMembers = !/(^|,)\s*members\s*(,|$)/i.test(url.searchParams.get('excludedAttributes') ?? '');
    const startIndex = Math.max(1, Number(url.searchParams.get('startIndex') ?? '1') || 1);
    const count = Math.min(MAX_PAGE, Math.max(0, Number(url.searchParams.get('count') ?? `${MAX_PAGE}`) || 0));
    let rows: ScimGroupRow[];
    let total: number;
    if (filter !== null) {
      const f = groupFilter(filter);
      let row: ScimGroupRow | undefined;
      if (f.kind === 'displayName') row = await scimGroupByName(db, f.value);
      else if (f.kind === 'id') row = ID.test(f.value) ? await scimGroupById(db, f.value) : undefined;
      else row = await db.one<ScimGroupRow>('SELECT id, display_name, external_id, created_at, updated_at FROM scim_groups WHERE external_id = ?', [f.value]);
      if (row !== undefined && f.member !== undefined && !(await groupMembers(db, row.id)).some((m) => m.user_id === f.member)) row = undefined;
      const all = row === undefined ? [] : [row];
      total = all.length;
      rows = all.slice(startIndex - 1, startIndex - 1 + count);
    } else {
      ({ rows, total } = await scimGroupsPage(db, count, startIndex - 1));
    }
    const resources = [];
    for (const row of rows) resources.push(await view(db, row, withMembers));
    return { schemas: [LIST_SCHEMA], totalResults: total, startIndex, itemsPerPage: resources.length, Resources: resources };
  }

  return async (req: IncomingMessage, url: URL, path: string, method: string): Promise<{ status: number; body?: unknown }> => {
    if (path === '/Groups') {
      if (method === 'POST') return { status: 201, body: await create(await readBody(req)) };
      if (method === 'GET') return { status: 200, body: await list(url) };
      throw new ScimError(405, `${method} is not allowed on /Groups`);
    }
    const m = /^\/Groups\/([^/]+)$/.exec(path);
    if (!m) throw new ScimError(404, 'no such resource');
    const id = decodeURIComponent(m[1]!);
    switch (method) {
      case 'GET': {
        const withMembers = !/(^|,)\s*members\s*(,|$)/i.test(url.searchParams.get('excludedAttributes') ?? '');
        return { status: 200, body: await view(db, await live(db, id), withMembers) };
      }
      case 'PUT': {
        const body = await readBody(req);
        await live(db, id);
        const g = parseWith(GroupSchema, body);
        return {
          status: 200,
          body: await store(
            id,
            { displayName: g.displayName, externalId: g.externalId ?? null, members: new Set((g.members ?? []).map((x) => x.value)) },
            'group.update',
          ),
        };
      }
      case 'PATCH': {
        const body = await readBody(req);
        const patch = parseWith(PatchSchema, body);
        const current = await currentOf(db, await live(db, id));
        return { status: 200, body: await store(id, patched(current, patch.Operations), 'group.update') };
      }
      case 'DELETE':
        await db.transaction(async (tx) => {
          const row = await live(tx, id);
          const members = (await groupMembers(tx, id)).map((x) => x.user_id);
          await deleteScimGroup(tx, id);
          await insertAudit(tx, {
            at: deps.now(),
            actor: deps.actor,
            action: 'group.delete',
            target: id,
            detail: { displayName: row.display_name, removed: members },
          });
        });
        return { status: 204 };
      default:
        throw new ScimError(405, `${method} is not allowed on a group`);
    }
  };
}
