/**
 * The key service's admin CLI (docs/operations.md "Offboarding and the admin CLI"):
 *
 *   npm run server -- admin --data <dir> [--database-url postgres://…] <command>
 *     users [--limit N] [--offset N]          list accounts (username, display name, state, created)
 *     deactivate <username|user id> --reason "…"   crypto-offboarding (admin/offboarding.ts)
 *     reactivate <username|user id> --reason "…"
 *     audit [--limit N]                       the newest audit records
 *     groups [--limit N] [--offset N]         SCIM groups, member counts, mapped broadcast roles
 *     map-group <group id|displayName> <role> --reason "…"     members' claims carry <role> (admin/groupRoles.ts)
 *     unmap-group <group id|displayName> <role> --reason "…"
 *
 * It works on the key service's database directly (the same migrations run first) and writes PubNub
 * effects to the durable outbox, which the running key service delivers. Every command, reads included,
 * leaves an audit record naming the operating-system user (`cli:<name>`). Output is one JSON document
 * (for scripts); errors go to stderr with exit code 2.
 */
import { userInfo } from 'node:os';
import { parseArgs } from 'node:util';
import { AppError } from '../common/errors';
import { migrate } from './db/migrate';
import type { Database } from './db/db';
import { openDatabase } from './index';
import { listGroups, mapRoleToGroup, unmapRoleFromGroup } from './admin/groupRoles';
import { deactivateAccount, reactivateAccount } from './admin/offboarding';
import { insertEffects } from './pubnub/outbox';
import { insertAudit, latestAudit } from './store/audit';
import { listUsers } from './store/users';
import { CUSTODY_USAGE, runCustodyCommand } from './custody/adminCommands';
import type { Kms } from './kms';
import type { PubNubClient } from '../common/messaging/transport';
import { shieldIds, unshield, unshieldValues } from '../node/cliIds';

export class AdminUsageError extends AppError {
  constructor(message: string) {
    super('admin_usage', message, 'validation');
  }
}

const USAGE =
  'usage: admin --data <dir> [--database-url url] users [--limit N] [--offset N] | deactivate <user> --reason TEXT | reactivate <user> --reason TEXT | audit [--limit N] | groups [--limit N] [--offset N] | map-group <group> <role> --reason TEXT | unmap-group <group> <role> --reason TEXT | ' +
  CUSTODY_USAGE;

function count(value: string | undefined, fallback: number, max: number, name: string): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > max) throw new AdminUsageError(`--${name} must be an integer 0-${max}, got ${value}`);
  return n;
}

/** Runs one admin command; answers what to print. `actor` defaults to `cli:<os user>`. */
/**
 * What the admin CLI prints on stderr for a failure: the sentence for the operator first, then the error
 * code on a line of its own, for logs and scripts.
 */
export function adminFailureText(err: unknown): string {
  if (err instanceof AppError) return `admin: ${err.message}\nadmin: error code ${err.code}`;
  return `admin: ${err instanceof Error ? err.message : String(err)}`;
}

export async function runAdmin(
  argv: readonly string[],
  env: NodeJS.ProcessEnv = process.env,
  actor = `cli:${userInfo().username}`,
  /** Tests: the KMS and PubNub client of `custody` commands instead of the environment's. */
  custodyParts: { kms?: Kms; pubnub?: PubNubClient } = {},
): Promise<unknown> {
  let parsed;
  try {
    parsed = parseArgs({
      args: shieldIds(argv),
      allowPositionals: true,
      strict: true,
      options: {
        data: { type: 'string' },
        'database-url': { type: 'string' },
        reason: { type: 'string' },
        limit: { type: 'string' },
        offset: { type: 'string' },
        out: { type: 'string' },
      },
    });
  } catch (err) {
    throw new AdminUsageError(`${err instanceof Error ? err.message : String(err)}\n${USAGE}`);
  }
  const values = unshieldValues(parsed.values);
  const positionals = parsed.positionals.map(unshield);
  const [command, target, ...more] = positionals;
  const groupCommand = command === 'map-group' || command === 'unmap-group';
  const role = groupCommand ? more[0] : undefined;
  const rest = groupCommand ? more.slice(1) : more;
  if (groupCommand && (target === undefined || role === undefined)) throw new AdminUsageError(`${command} needs a group and a role\n${USAGE}`);
  const databaseUrl = values['database-url'] ?? env.DATABASE_URL;
  if (values.data === undefined && databaseUrl === undefined) throw new AdminUsageError(`--data <dir> or --database-url is required\n${USAGE}`);
  if (command === 'custody') {
    const custodyDb = openDatabase({ dataDir: values.data ?? '', ...(databaseUrl ? { databaseUrl, maxDbConnections: 2 } : {}) });
    try {
      await migrate(custodyDb);
      return await runCustodyCommand({
        db: custodyDb,
        dataDir: values.data ?? '',
        env,
        actor,
        args: positionals.slice(1),
        reason: values.reason,
        out: values.out,
        limit: count(values.limit, 50, 1000, 'limit'),
        ...custodyParts,
      });
    } finally {
      await custodyDb.close();
    }
  }
  if (values.out !== undefined) throw new AdminUsageError(`--out is only for custody export\n${USAGE}`);
  if (rest.length > 0) throw new AdminUsageError(`unexpected ${JSON.stringify(rest[0])}\n${USAGE}`);
  const needsTarget = command === 'deactivate' || command === 'reactivate' || groupCommand;
  if (needsTarget && (target === undefined || target.trim() === '')) throw new AdminUsageError(`${command} needs a username or user id\n${USAGE}`);
  if (!needsTarget && target !== undefined) throw new AdminUsageError(`${command ?? '(none)'} takes no user\n${USAGE}`);
  if (needsTarget && (values.reason === undefined || values.reason.trim() === ''))
    throw new AdminUsageError(`${command} needs --reason "…" (it goes to the audit log)`);
  if (!['users', 'deactivate', 'reactivate', 'audit', 'groups', 'map-group', 'unmap-group'].includes(command ?? ''))
    throw new AdminUsageError(`unknown command ${JSON.stringify(command ?? '')}\n${USAGE}`);
  const limit = count(values.limit, 50, 1000, 'limit');
  const offset = count(values.offset, 0, 1_000_000_000, 'offset');

  const db: Database = openDatabase({ dataDir: values.data ?? '', ...(databaseUrl ? { databaseUrl, maxDbConnections: 2 } : {}) });
  try {
    await migrate(db);
    const now = () => Date.now();
    const deps = {
      db,
      now,
      record: (tx: Parameters<typeof insertEffects>[0], effects: Parameters<typeof insertEffects>[1]) => insertEffects(tx, effects, now(), 0),
    };
    switch (command) {
      case 'deactivate':
        return await deactivateAccount(deps, target!, actor, values.reason!.trim());
      case 'reactivate':
        return await reactivateAccount(deps, target!, actor, values.reason!.trim());
      case 'map-group':
        return await mapRoleToGroup(db, target!, role!, actor, values.reason!.trim(), now());
      case 'unmap-group':
        return await unmapRoleFromGroup(db, target!, role!, actor, values.reason!.trim(), now());
      case 'groups':
        return await listGroups(db, limit, offset, actor, now());
      case 'users':
        return await db.transaction(async (tx) => {
          const rows = await listUsers(tx, limit, offset);
          await insertAudit(tx, { at: now(), actor, action: 'users.list', target: null, detail: { limit, offset, count: rows.length } });
          return {
            users: rows.map((u) => ({
              userId: u.id,
              username: u.username,
              displayName: u.display_name,
              state: u.deactivated_at === null ? 'active' : 'deactivated',
              createdAt: new Date(Number(u.created_at)).toISOString(),
              ...(u.deactivated_at === null ? {} : { deactivatedAt: new Date(Number(u.deactivated_at)).toISOString() }),
            })),
          };
        });
      default:
        return await db.transaction(async (tx) => {
          const rows = await latestAudit(tx, limit);
          await insertAudit(tx, { at: now(), actor, action: 'audit.read', target: null, detail: { limit } });
          return {
            audit: rows.map((r) => ({
              id: Number(r.id),
              at: new Date(Number(r.at)).toISOString(),
              actor: r.actor,
              action: r.action,
              target: r.target,
              detail: JSON.parse(r.detail) as unknown,
            })),
          };
        });
    }
  } finally {
    await db.close();
  }
}
