/**
 * System lines for member changes (beside the key-rotation lines of docs/messaging.md §Timeline):
 * the difference between two member lists of one conversation as people read it. The pipeline's timeline
 * carries key-rotation items; member changes come from the conversation summaries main reports, so the
 * renderer notes them as they happen while it is open.
 */
import type { ConversationSummary } from '../../../common/ipc/schemas/conversations';

type Member = ConversationSummary['members'][number];

export interface MemberNote {
  readonly key: string;
  readonly text: string;
  readonly at: number;
}

export function memberChanges(before: readonly Member[], after: readonly Member[], at: number): MemberNote[] {
  const notes: MemberNote[] = [];
  const old = new Map(before.map((m) => [m.userId, m]));
  const now = new Map(after.map((m) => [m.userId, m]));
  for (const m of after) {
    const prior = old.get(m.userId);
    if (prior === undefined) notes.push(note(`${m.displayName} joined the conversation`, `added:${m.userId}`, at));
    else if (prior.role !== m.role)
      notes.push(note(`${m.displayName} is now ${m.role === 'admin' ? 'an admin' : `a ${m.role}`}`, `role:${m.userId}:${m.role}`, at));
  }
  for (const m of before) {
    if (!now.has(m.userId)) notes.push(note(`${m.displayName} left or was removed`, `removed:${m.userId}`, at));
  }
  return notes;
}

function note(text: string, id: string, at: number): MemberNote {
  return { key: `member:${at}:${id}`, text, at };
}
