/**
 * This user's preferences for a conversation (issue [chat]; docs/desktop.md "Mute, pin and mark as
 * unread"): muted (no notification and no badge count, except a message that mentions this user), pinned
 * (listed first) and marked unread (a dot until the conversation is opened). They hold no message text
 * and no key: like the read markers (readMarker.ts), they are kept in the page's storage per user and
 * conversation, on this computer only — another device of the same account has its own.
 */

export interface ConversationPrefs {
  readonly muted?: true;
  readonly pinned?: true;
  readonly markedUnread?: true;
}

export type PrefName = keyof ConversationPrefs;

export interface PrefsStore {
  load(userId: string): Record<string, ConversationPrefs>;
  save(userId: string, conversationId: string, prefs: ConversationPrefs): void;
}

const NAMES: readonly PrefName[] = ['muted', 'pinned', 'markedUnread'];
const PREFIX = 'seed.prefs.';

/** Only the known flags, each `true` or absent; anything else in storage is ignored. */
export function cleanPrefs(value: unknown): ConversationPrefs {
  if (typeof value !== 'object' || value === null) return {};
  const record = value as Record<string, unknown>;
  const out: Record<string, true> = {};
  for (const name of NAMES) if (record[name] === true) out[name] = true;
  return out;
}

/** `prefs` with `name` set or cleared. */
export function withPref(prefs: ConversationPrefs | undefined, name: PrefName, on: boolean): ConversationPrefs {
  const next: Record<string, true> = { ...prefs };
  if (on) next[name] = true;
  else delete next[name];
  return next;
}

/** Preferences in the page's storage (one item per user); a storage that refuses keeps them for this session. */
export function storagePrefs(storage: Pick<Storage, 'getItem' | 'setItem'> | undefined): PrefsStore {
  const memory = new Map<string, Record<string, ConversationPrefs>>();
  const read = (userId: string): Record<string, ConversationPrefs> => {
    const held = memory.get(userId);
    if (held !== undefined) return held;
    let parsed: unknown = null;
    try {
      parsed = JSON.parse(storage?.getItem(PREFIX + userId) ?? 'null');
    } catch {
      parsed = null;
    }
    const all: Record<string, ConversationPrefs> = {};
    if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)) {
      for (const [id, value] of Object.entries(parsed as Record<string, unknown>)) {
        const prefs = cleanPrefs(value);
        if (Object.keys(prefs).length > 0) all[id] = prefs;
      }
    }
    memory.set(userId, all);
    return all;
  };
  return {
    load: (userId) => ({ ...read(userId) }),
    save(userId, conversationId, prefs) {
      const all = { ...read(userId) };
      if (Object.keys(prefs).length === 0) delete all[conversationId];
      else all[conversationId] = prefs;
      memory.set(userId, all);
      try {
        storage?.setItem(PREFIX + userId, JSON.stringify(all));
      } catch {
        // Kept in memory for this session.
      }
    },
  };
}
