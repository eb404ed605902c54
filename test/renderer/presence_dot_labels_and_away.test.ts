/**
 * The presence dot's words and the away rule (docs/messaging.md "Presence"): "Online", "Away", "Offline, last
 * seen 10:42" today and with the day before the time otherwise, nothing while unknown; away after the idle
 * time or while hidden, online again at the first input. The idle check's clock is the test's (fake timers:
 * the interval fires when the test moves time, nothing waits).
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { UserId } from '../../src/common/ids';
import { presenceLabel } from '../../src/renderer/src/model/presence';
import { watchActivity } from '../../src/renderer/src/chat/activity';
import { directConversations } from '../../src/renderer/src/state/presenceSlice';
import type { ConversationSummary } from '../../src/common/ipc/schemas/conversations';

const bob = 'user-bob-000001' as UserId;
const at = (h: number, m: number, day = 12) => new Date(2026, 2, day, h, m).getTime();

afterEach(() => void vi.useRealTimers());

describe('presence dot labels', () => {
  it('says online, away, offline with last seen, or nothing', () => {
    const now = at(15, 0);
    expect(presenceLabel(undefined, now)).toBeUndefined();
    expect(presenceLabel({ userId: bob, state: 'unknown' }, now)).toBeUndefined();
    expect(presenceLabel({ userId: bob, state: 'online' }, now)).toBe('Online');
    expect(presenceLabel({ userId: bob, state: 'away' }, now)).toBe('Away');
    expect(presenceLabel({ userId: bob, state: 'offline' }, now)).toBe('Offline');
    expect(presenceLabel({ userId: bob, state: 'offline', lastSeen: at(10, 42) }, now)).toBe('Offline, last seen 10:42');
    expect(presenceLabel({ userId: bob, state: 'offline', lastSeen: at(10, 42, 11) }, now)).toBe('Offline, last seen Wed 10:42');
  });

  it('follows only direct conversations, with the member who is not this user', () => {
    const member = (userId: string) => ({ userId, username: userId, displayName: userId, role: 'member' });
    const list = [
      { conversationId: 'conv-direct-0001', kind: 'direct', members: [member('me-000000000001'), member(bob)] },
      { conversationId: 'conv-group-00001', kind: 'group', members: [member('me-000000000001'), member(bob)] },
    ] as unknown as ConversationSummary[];
    expect(directConversations(list, 'me-000000000001' as UserId)).toEqual([{ conversationId: 'conv-direct-0001', peer: bob }]);
  });
});

describe('away', () => {
  it('after the idle time or while hidden; online again at the first input', () => {
    vi.useFakeTimers({ now: at(9, 0) });
    const target = new EventTarget() as unknown as Window;
    let hidden = false;
    const changes: string[] = [];
    const stop = watchActivity({ target, isHidden: () => hidden, now: () => Date.now(), awayAfterMs: 300_000, onChange: (a) => changes.push(a) });
    vi.advanceTimersByTime(240_000);
    expect(changes).toEqual([]);
    vi.advanceTimersByTime(60_000);
    expect(changes).toEqual(['away']);
    target.dispatchEvent(new Event('keydown'));
    expect(changes).toEqual(['away', 'online']);
    hidden = true;
    vi.advanceTimersByTime(60_000);
    expect(changes).toEqual(['away', 'online', 'away']);
    stop();
    target.dispatchEvent(new Event('pointerdown'));
    expect(changes).toHaveLength(3);
  });
});
