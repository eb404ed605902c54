/**
 * Conversations made before membership statements existed (docs/protocol.md §15.6): written straight into
 * a running key service's database — a conversation row and its member rows, no chain — the way such a
 * conversation looks after the migration that added the statements table.
 */
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import type { ConversationKind, HistoryPolicy, Role } from '../../../src/common/domain';
import type { ConversationId } from '../../../src/common/ids';
import type { Database } from '../../../src/server/db/db';
import { openPostgres } from '../../../src/server/db/postgres';
import { openSqlite } from '../../../src/server/db/sqlite';
import { insertConversation, upsertMember } from '../../../src/server/store/conversations';
import type { BackendStore } from './backends';

function openStore(store: BackendStore): Database {
  return store.databaseUrl ? openPostgres(store.databaseUrl, 1) : openSqlite(path.join(store.dataDir, 'keyservice.sqlite'));
}

/** Writes a conversation without a chain: `members` by user id with their roles (the first one created it). */
export async function legacyConversation(
  store: BackendStore,
  members: readonly { userId: string; role: Role }[],
  opts: { kind?: ConversationKind; historyPolicy?: HistoryPolicy } = {},
): Promise<ConversationId> {
  const id = randomBytes(16).toString('base64url') as ConversationId;
  const db = openStore(store);
  try {
    const now = Date.now();
    await db.transaction(async (tx) => {
      const kind = opts.kind ?? 'group';
      const creator = members[0]?.userId ?? '';
      await insertConversation(
        tx,
        { id, kind, name: kind === 'group' ? 'legacy group' : null, history_policy: opts.historyPolicy ?? 'shared', created_by: creator },
        now,
      );
      for (const m of members) await upsertMember(tx, { conversation_id: id, user_id: m.userId, role: m.role, joined_at: now, first_version: 1 });
    });
  } finally {
    await db.close();
  }
  return id;
}
