/**
 * The departures slice (docs/desktop.md "A removed user is told"): a conversation that leaves the list
 * after main reported a `member_removed` notice for it was a removal of this user, and is kept (the chat
 * then says so); one that leaves after this user left, or without a notice, is not. Main's events come
 * through a stand-in event source (the real one is Electron IPC or the web host's socket).
 */
import { describe, expect, it } from 'vitest';
import { createStore } from 'zustand/vanilla';
import type { ConversationId, UserId } from '../../src/common/ids';
import type { ConversationSummary } from '../../src/common/ipc/schemas/conversations';
import type { BridgeEvents } from '../../src/renderer/src/bridge/client';
import { createDeparturesSlice, departuresSelectors, type DeparturesSlice } from '../../src/renderer/src/state/departuresSlice';

function standInEvents() {
  const listeners = new Map<string, ((payload: unknown) => void)[]>();
  const events = {
    on: (name: string, listener: (payload: unknown) => void) => {
      listeners.set(name, [...(listeners.get(name) ?? []), listener]);
      return () => undefined;
    },
  } as unknown as BridgeEvents;
  const emit = (name: string, payload: unknown) => {
    for (const l of listeners.get(name) ?? []) l(payload);
  };
  return { events, emit };
}

const summary = (id: string): ConversationSummary => ({
  conversationId: id as ConversationId,
  kind: 'group',
  name: id,
  channel: `conv.${id}`,
  historyPolicy: 'joined',
  keyVersion: 1,
  needsRotation: false,
  myRole: 'member',
  members: [{ userId: 'user-me-0001' as UserId, username: 'me', displayName: 'Me', role: 'member', joinedAt: 0 }],
});

describe('a removed user is told', () => {
  it('keeps a conversation that left the list after a removal notice, and only that one', () => {
    const { events, emit } = standInEvents();
    const store = createStore<DeparturesSlice>()(createDeparturesSlice({ events, now: () => 0, isActive: () => true, startChat: null }));
    const [project, left, quiet] = [summary('conv-project'), summary('conv-left01'), summary('conv-quiet1')];

    emit('conversationsChanged', { conversationId: project.conversationId, reason: 'member_removed' });
    emit('conversationsChanged', { conversationId: left.conversationId, reason: 'member_removed' });
    emit('conversationsChanged', { conversationId: left.conversationId, reason: 'left' });
    const removed = store.getState().noteDepartures([project, left, quiet], []);

    expect(removed).toEqual([project.conversationId]);
    expect(departuresSelectors.removedOf(project.conversationId)(store.getState())).toEqual(project);
    expect(departuresSelectors.removedOf(left.conversationId)(store.getState())).toBeNull();
    expect(departuresSelectors.removedOf(quiet.conversationId)(store.getState())).toBeNull();
  });

  it('a removal notice for a conversation that stays listed (someone else was removed) keeps nothing', () => {
    const { events, emit } = standInEvents();
    const store = createStore<DeparturesSlice>()(createDeparturesSlice({ events, now: () => 0, isActive: () => true, startChat: null }));
    const project = summary('conv-project');
    emit('conversationsChanged', { conversationId: project.conversationId, reason: 'member_removed' });
    expect(store.getState().noteDepartures([project], [project])).toEqual([]);
    expect(departuresSelectors.removed(store.getState())).toEqual({});
  });
});
