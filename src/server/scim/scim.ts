/**
 * SCIM 2.0 provisioning of accounts (RFC 7643/7644; docs/operations.md "Provisioning with SCIM") for the
 * organisation's identity provider, under `/scim/v2` beside the key service's own API, with its own wire
 * format (`application/scim+json`, SCIM error bodies) and one bearer token the operator configures:
 *
 * - `POST /Users` provisions an account: a username made from `userName`, the display name, no password (an
 *   SSO-only account: the first company sign-in whose verified email or login equals `userName` claims it,
 *   also when registration is closed). A password the provider sends is ignored.
 * - `GET /Users?filter=userName eq "…"`, `GET /Users/{id}`, `GET /Users` (paged with startIndex/count).
 * - `PUT` and `PATCH` (`add`/`replace`/`remove`, with or without a path; case-insensitive `op`; Entra ID's
 *   `"False"` strings and Okta's `{"active": false}` value objects) update the name, emails, externalId and
 *   `active`. `active: false` is crypto-offboarding (admin/offboarding.ts): sessions end, devices are revoked,
 *   every conversation rotates on its next send; `active: true` reactivates.
 * - `DELETE /Users/{id}` deactivates the same way and hides the user from SCIM (404 afterwards); the account
 *   itself stays, so old messages keep their author's name.
 * - Idempotent: a repeated deactivation changes nothing; creating an existing `userName` is 409 `uniqueness`.
 * - `/Groups` (scimGroups.ts): groups and their members, which feed broadcast role claims through the
 *   roles an operator maps to a group; a group never adds anyone to a conversation.
 *
 * Every change is audited with actor `scim`.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { z } from 'zod';
import { deactivateAccount, reactivateAccount, type OffboardingDeps } from '../admin/offboarding';
import { UniqueViolation } from '../db/dbErrors';
import type { Database } from '../db/db';
import { freeUsernameFrom, SSO_ONLY_PASSWORD_HASH } from '../oidcRoutes';
import { insertAudit } from '../store/audit';
import { insertScimUser, markScimUserDeleted, scimUserById, scimUserByUserName, scimUsersPage, updateScimUser, type ScimUserRow } from '../store/scimUsers';
import { insertUser, userById } from '../store/users';
import { removeUserFromGroups } from '../store/scimGroups';
import { scimGroupRoutes } from './scimGroups';
import { LIST_SCHEMA, ERROR_SCHEMA, PATCH_SCHEMA, MAX_PAGE, ScimError, send, readBody, parseWith, tokenMatches } from './scimWire';

export const SCIM_PREFIX = '/scim/v2';
const USER_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:User';
const ACTOR = 'scim';

export interface ScimSettings {
  /** The bearer token the identity provider presents (at least 32 characters). */
  readonly bearerToken: string;
}

export interface ScimDeps {
  readonly db: Database;
  readonly now: () => number;
  readonly newId: () => string;
  readonly record: OffboardingDeps['record'];
  readonly onBug: (err: unknown) => void;
}

const EmailSchema = z.looseObject({ value: z.string().trim().min(3).max(254), type: z.string().max(32).optional(), primary: z.unknown().optional() });
const NameSchema = z.looseObject({
  formatted: z.string().max(200).optional(),
  givenName: z.string().max(100).optional(),
  familyName: z.string().max(100).optional(),
});
/** "True"/"False" strings (Entra ID) and booleans. */
const Bool = z.union([z.boolean(), z.enum(['True', 'False', 'true', 'false']).transform((v) => v.toLowerCase() === 'true')]);

const UserSchema = z.looseObject({
  userName: z.string().trim().min(1).max(254),
  externalId: z.string().max(200).nullish(),
  displayName: z.string().max(200).nullish(),
  name: NameSchema.nullish(),
  emails: z.array(EmailSchema).max(20).nullish(),
  active: Bool.optional(),
});

const PatchSchema = z.looseObject({
  schemas: z.array(z.string()).refine((s) => s.includes(PATCH_SCHEMA), 'not a PatchOp'),
  Operations: z
    .array(z.looseObject({ op: z.string().transform((o) => o.toLowerCase()), path: z.string().max(200).optional(), value: z.unknown().optional() }))
    .min(1)
    .max(100),
});

/** What the key service keeps of a SCIM user, and whether it should be active. */
interface UserState {
  userName: string;
  externalId: string | null;
  displayName: string;
  emails: z.infer<typeof EmailSchema>[];
  active: boolean;
}

function displayNameOf(u: z.infer<typeof UserSchema>): string {
  const name = u.displayName ?? u.name?.formatted ?? [u.name?.givenName, u.name?.familyName].filter(Boolean).join(' ');
  const clean = (name ?? '')
    .replace(/[\p{Cc}\p{Cs}]/gu, '')
    .trim()
    .slice(0, 64);
  return clean.length > 0 ? clean : u.userName.slice(0, 64);
}

function stateOf(u: z.infer<typeof UserSchema>): UserState {
  return { userName: u.userName, externalId: u.externalId ?? null, displayName: displayNameOf(u), emails: u.emails ?? [], active: u.active ?? true };
}

/** Applies PATCH operations (RFC 7644 §3.5.2) to a state; unknown attributes are ignored, as providers send many. */
function patched(state: UserState, ops: z.infer<typeof PatchSchema>['Operations']): UserState {
  const next = { ...state, emails: [...state.emails] };
  const set = (path: string, value: unknown, op: string) => {
    const key = path.toLowerCase();
    const text = (v: unknown) => (typeof v === 'string' ? v : v === null || v === undefined ? '' : String(v));
    if (key === 'active') {
      const parsed = Bool.safeParse(value);
      if (!parsed.success) throw new ScimError(400, 'active must be true or false', 'invalidValue');
      next.active = parsed.data;
    } else if (key === 'username') {
      if (op === 'remove' || text(value).trim() === '') throw new ScimError(400, 'userName cannot be removed', 'mutability');
      next.userName = text(value).trim().slice(0, 254);
    } else if (key === 'displayname') {
      next.displayName = op === 'remove' ? next.userName.slice(0, 64) : text(value).trim().slice(0, 64) || next.userName.slice(0, 64);
    } else if (key === 'externalid') {
      next.externalId = op === 'remove' ? null : text(value).slice(0, 200);
    } else if (key === 'emails' || key.startsWith('emails[')) {
      if (op === 'remove') next.emails = [];
      else if (Array.isArray(value)) next.emails = z.array(EmailSchema).max(20).parse(value);
      else if (typeof value === 'string') next.emails = [{ value, type: 'work', primary: true }];
    }
  };
  for (const o of ops) {
    if (o.op !== 'add' && o.op !== 'replace' && o.op !== 'remove')
      throw new ScimError(400, `unknown patch op ${JSON.stringify(o.op).slice(0, 40)}`, 'invalidSyntax');
    if (o.path !== undefined) {
      set(o.path.replace(/^urn:ietf:params:scim:schemas:core:2\.0:User:/i, ''), o.value, o.op);
    } else if (o.value !== null && typeof o.value === 'object' && !Array.isArray(o.value)) {
      for (const [k, v] of Object.entries(o.value as Record<string, unknown>)) set(k, v, o.op);
    } else {
      throw new ScimError(400, 'a patch operation without a path needs an object value', 'invalidSyntax');
    }
  }
  return next;
}

function userView(row: ScimUserRow, active: boolean): Record<string, unknown> {
  return {
    schemas: [USER_SCHEMA],
    id: row.user_id,
    ...(row.external_id === null ? {} : { externalId: row.external_id }),
    userName: row.user_name,
    displayName: row.display_name,
    name: { formatted: row.display_name },
    emails: JSON.parse(row.emails) as unknown,
    active,
    meta: {
      resourceType: 'User',
      created: new Date(Number(row.created_at)).toISOString(),
      lastModified: new Date(Number(row.updated_at)).toISOString(),
      location: `${SCIM_PREFIX}/Users/${row.user_id}`,
    },
  };
}

/** `userName eq "x"` (the only filter providers need to find a user before creating one). */
function userNameFilter(filter: string): string {
  const m = /^\s*userName\s+eq\s+"((?:[^"\\]|\\.)*)"\s*$/i.exec(filter);
  if (!m) throw new ScimError(400, 'only the filter userName eq "…" is supported', 'invalidFilter');
  return m[1]!.replace(/\\(.)/g, '$1');
}

/** The `/scim/v2` request handler; other paths are not its business. */
export function scimHandler(settings: ScimSettings, deps: ScimDeps): (req: IncomingMessage, res: ServerResponse) => void {
  const offboarding: OffboardingDeps = { db: deps.db, now: deps.now, record: deps.record };
  const groups = scimGroupRoutes({ db: deps.db, now: deps.now, newId: deps.newId, actor: ACTOR });

  async function isActive(userId: string): Promise<boolean> {
    return (await userById(deps.db, userId))?.deactivated_at == null;
  }

  async function live(id: string): Promise<ScimUserRow> {
    const row = await scimUserById(deps.db, id);
    if (row === undefined || row.deleted_at !== null) throw new ScimError(404, 'no such user');
    return row;
  }

  /** Stores `state` for an existing user and applies `active` (deactivation is offboarding). */
  async function apply(row: ScimUserRow, state: UserState): Promise<Record<string, unknown>> {
    const other = await scimUserByUserName(deps.db, state.userName);
    if (other !== undefined && other.user_id !== row.user_id) throw new ScimError(409, 'another user has this userName', 'uniqueness');
    await deps.db.transaction(async (tx) => {
      await updateScimUser(
        tx,
        row.user_id,
        { user_name: state.userName, external_id: state.externalId, display_name: state.displayName, emails: JSON.stringify(state.emails) },
        deps.now(),
      );
      await tx.run('UPDATE users SET display_name = ? WHERE id = ?', [state.displayName, row.user_id]);
    });
    const wasActive = await isActive(row.user_id);
    if (wasActive && !state.active) await deactivateAccount(offboarding, row.user_id, ACTOR, 'SCIM: active set to false');
    if (!wasActive && state.active) await reactivateAccount(offboarding, row.user_id, ACTOR, 'SCIM: active set to true');
    return userView((await scimUserById(deps.db, row.user_id))!, state.active);
  }

  async function create(body: unknown): Promise<Record<string, unknown>> {
    const state = stateOf(parseWith(UserSchema, body));
    if (await scimUserByUserName(deps.db, state.userName)) throw new ScimError(409, 'a user with this userName exists', 'uniqueness');
    const userId = deps.newId();
    const username = await freeUsernameFrom(deps.db, state.userName);
    try {
      await deps.db.transaction(async (tx) => {
        const now = deps.now();
        await insertUser(tx, { id: userId, username, display_name: state.displayName, password_hash: SSO_ONLY_PASSWORD_HASH, identity_key: null }, now);
        await insertScimUser(
          tx,
          { user_id: userId, user_name: state.userName, external_id: state.externalId, display_name: state.displayName, emails: JSON.stringify(state.emails) },
          now,
        );
        await insertAudit(tx, { at: now, actor: ACTOR, action: 'user.provision', target: userId, detail: { userName: state.userName, username } });
      });
    } catch (err) {
      if (err instanceof UniqueViolation) throw new ScimError(409, 'a user with this userName exists', 'uniqueness');
      throw err;
    }
    if (!state.active) await deactivateAccount(offboarding, userId, ACTOR, 'SCIM: created inactive');
    return userView((await scimUserById(deps.db, userId))!, state.active);
  }

  async function route(req: IncomingMessage, url: URL): Promise<{ status: number; body?: unknown }> {
    const path = url.pathname.slice(SCIM_PREFIX.length).replace(/\/+$/, '');
    const method = req.method ?? 'GET';
    if (path === '/ServiceProviderConfig' && method === 'GET') {
      return {
        status: 200,
        body: {
          schemas: ['urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig'],
          patch: { supported: true },
          bulk: { supported: false, maxOperations: 0, maxPayloadSize: 0 },
          filter: { supported: true, maxResults: MAX_PAGE },
          changePassword: { supported: false },
          sort: { supported: false },
          etag: { supported: false },
          authenticationSchemes: [{ type: 'oauthbearertoken', name: 'Bearer token', description: 'The token the operator configured (SCIM_BEARER_TOKEN)' }],
        },
      };
    }
    if (path === '/Groups' || path.startsWith('/Groups/')) return groups(req, url, path, method);
    if (path === '/Users') {
      if (method === 'POST') return { status: 201, body: await create(await readBody(req)) };
      if (method !== 'GET') throw new ScimError(405, `${method} is not allowed on /Users`);
      const filter = url.searchParams.get('filter');
      const startIndex = Math.max(1, Number(url.searchParams.get('startIndex') ?? '1') || 1);
      const count = Math.min(MAX_PAGE, Math.max(0, Number(url.searchParams.get('count') ?? `${MAX_PAGE}`) || 0));
      let rows: ScimUserRow[];
      let total: number;
      if (filter !== null) {
        const row = await scimUserByUserName(deps.db, userNameFilter(filter));
        rows = row !== undefined && row.deleted_at === null ? [row] : [];
        total = rows.length;
        rows = rows.slice(startIndex - 1, startIndex - 1 + count);
      } else {
        ({ rows, total } = await scimUsersPage(deps.db, count, startIndex - 1));
      }
      const resources = [];
      for (const row of rows) resources.push(userView(row, await isActive(row.user_id)));
      return { status: 200, body: { schemas: [LIST_SCHEMA], totalResults: total, startIndex, itemsPerPage: resources.length, Resources: resources } };
    }
    const m = /^\/Users\/([A-Za-z0-9_-]{1,64})$/.exec(path);
    if (!m) throw new ScimError(404, 'no such resource');
    const row = await live(m[1]!);
    switch (method) {
      case 'GET':
        return { status: 200, body: userView(row, await isActive(row.user_id)) };
      case 'PUT':
        return { status: 200, body: await apply(row, stateOf(parseWith(UserSchema, await readBody(req)))) };
      case 'PATCH': {
        const patch = parseWith(PatchSchema, await readBody(req));
        const current: UserState = {
          userName: row.user_name,
          externalId: row.external_id,
          displayName: row.display_name,
          emails: JSON.parse(row.emails) as UserState['emails'],
          active: await isActive(row.user_id),
        };
        return { status: 200, body: await apply(row, patched(current, patch.Operations)) };
      }
      case 'DELETE':
        await deactivateAccount(offboarding, row.user_id, ACTOR, 'SCIM: user deleted');
        await deps.db.transaction(async (tx) => {
          await markScimUserDeleted(tx, row.user_id, deps.now());
          await removeUserFromGroups(tx, row.user_id);
        });
        return { status: 204 };
      default:
        throw new ScimError(405, `${method} is not allowed on a user`);
    }
  }

  return (req, res) => {
    if (!tokenMatches(req.headers.authorization, settings.bearerToken)) {
      req.resume();
      send(res, 401, { schemas: [ERROR_SCHEMA], status: '401', detail: 'a valid bearer token is required' });
      return;
    }
    let url: URL;
    try {
      url = new URL(req.url ?? '/', 'http://localhost');
    } catch {
      send(res, 400, { schemas: [ERROR_SCHEMA], status: '400', scimType: 'invalidSyntax', detail: 'malformed request target' });
      return;
    }
    route(req, url).then(
      ({ status, body }) => send(res, status, body),
      (err: unknown) => {
        if (err instanceof ScimError) {
          send(res, err.status, {
            schemas: [ERROR_SCHEMA],
            status: String(err.status),
            ...(err.scimType ? { scimType: err.scimType } : {}),
            detail: err.message,
          });
          return;
        }
        deps.onBug(err);
        send(res, 500, { schemas: [ERROR_SCHEMA], status: '500', detail: 'internal error' });
      },
    );
  };
}
