/**
 * The verified membership history (main's `membershipHistory`) as chat lines (model/membershipLines.ts):
 * one line per signed statement — created, added, removed, left, role, history setting, a migrated genesis —
 * "You" for the signed-in user, the "new" badge on a line that adds a new contact, merged with messages by
 * time; and the members' "new" flag, where a loaded trust state wins over the summary's.
 */
import { describe, expect, it } from 'vitest';
import type { UserId } from '../../src/common/ids';
import type { MembershipEventView, MembershipPerson } from '../../src/common/ipc/schemas/conversations';
import { GENESIS_LINES_MAX, membershipLines, newContactLabel } from '../../src/renderer/src/model/membershipLines';
import { isNewContact } from '../../src/renderer/src/model/people';
import { timelineRows } from '../../src/renderer/src/model/timelineRows';

const ME = 'user-me-0001' as UserId;
const person = (userId: string, displayName: string, isNew = false): MembershipPerson => ({ userId: userId as UserId, displayName, isNew });
const me = person(ME, 'Me');
const alice = person('user-alice-01', 'Alice');
const bob = person('user-bob-001', 'Bob', true);
const carol = person('user-carol-1', 'Carol');

const event = (seq: number, actor: MembershipPerson, change: MembershipEventView['change']): MembershipEventView => ({ seq, at: 1_000 + seq, actor, change });
const genesis = (actor: MembershipPerson, others: MembershipPerson[], extra: Partial<Extract<MembershipEventView['change'], { type: 'create' }>> = {}) =>
  event(0, actor, {
    type: 'create',
    kind: 'group',
    historyPolicy: 'shared',
    members: [{ ...actor, role: 'owner' }, ...others.map((p) => ({ ...p, role: 'member' as const }))],
    migrated: false,
    ...extra,
  });

describe('membership lines', () => {
  it('one line per statement, people named, "You" for the signed-in user', () => {
    const lines = membershipLines(
      [
        genesis(alice, [me]),
        event(1, alice, { type: 'add', user: carol, role: 'member' }),
        event(2, alice, { type: 'role', user: carol, role: 'admin' }),
        event(3, carol, { type: 'remove', user: me }),
        event(4, me, { type: 'add', user: carol, role: 'admin' }),
        event(5, carol, { type: 'leave' }),
        event(6, alice, { type: 'role', user: me, role: 'member' }),
        event(7, me, { type: 'history', historyPolicy: 'joined' }),
      ],
      ME,
    );
    expect(lines.map((l) => l.text)).toEqual([
      'Alice created the group',
      'Alice added you',
      'Alice added Carol',
      'Alice made Carol an admin',
      'Carol removed you',
      'You added Carol as an admin',
      'Carol left',
      'Alice made you a member',
      'You changed the history setting: new members read only messages sent after they join',
    ]);
    expect(new Set(lines.map((l) => l.key)).size).toBe(lines.length);
    expect(lines.map((l) => l.at)).toEqual([1_000, 1_000, 1_001, 1_002, 1_003, 1_004, 1_005, 1_006, 1_007]);
  });

  it('a new contact is marked on the line that adds them, never the signed-in user', () => {
    const lines = membershipLines([genesis(alice, [bob]), event(1, alice, { type: 'add', user: { ...me, isNew: true }, role: 'member' })], ME);
    expect(lines.map((l) => [l.text, l.newContact])).toEqual([
      ['Alice created the group', undefined],
      ['Alice added Bob', 'Bob'],
      ['Alice added you', undefined],
    ]);
    expect(newContactLabel('Bob')).toBe('new contact: you have not met or verified Bob');
    // A fresher answer (Bob was verified since the history loaded) drops the badge.
    expect(membershipLines([genesis(alice, [bob])], ME, () => false).some((l) => l.newContact !== undefined)).toBe(false);
  });

  it('a migrated genesis says the record starts here; a direct conversation is started with its peer', () => {
    expect(membershipLines([genesis(alice, [bob], { migrated: true })], ME).map((l) => l.text)).toEqual([
      'Membership is recorded from here on (the group is older)',
    ]);
    const direct = genesis(me, [bob], { kind: 'direct' });
    expect(membershipLines([direct], ME).map((l) => [l.text, l.newContact])).toEqual([['You started the conversation with Bob', 'Bob']]);
  });

  it('a large genesis is one line, plus a line for each new contact in it', () => {
    const many = Array.from({ length: GENESIS_LINES_MAX + 5 }, (_, i) => person(`user-many-${String(i).padStart(3, '0')}`, `P${i}`));
    const lines = membershipLines([genesis(alice, [...many, bob])], ME);
    expect(lines.map((l) => l.text)).toEqual(['Alice created the group', `Alice added ${many.length + 1} people`, 'Alice added Bob']);
    expect(lines[2]?.newContact).toBe('Bob');
  });

  it('lines merge with messages by the time they were signed and keep their badge as rows', () => {
    const rows = timelineRows(undefined, membershipLines([genesis(alice, [bob])], ME), [], ME);
    expect(rows).toEqual([
      { kind: 'system', key: 'membership:0', text: 'Alice created the group' },
      { kind: 'system', key: 'membership:0:user-bob-001', text: 'Alice added Bob', newContact: 'Bob' },
    ]);
  });
});

describe('new contacts among members', () => {
  it("the summary's flag unless a loaded trust state says otherwise; verified is never new", () => {
    const m = { userId: bob.userId, isNew: true };
    expect(isNewContact(m, {})).toBe(true);
    expect(isNewContact({ userId: bob.userId }, {})).toBe(false);
    expect(isNewContact(m, { [bob.userId]: { state: 'unverified', isNew: false } })).toBe(false);
    expect(isNewContact(m, { [bob.userId]: { state: 'verified' } })).toBe(false);
    expect(isNewContact({ ...m, isNew: false }, { [bob.userId]: { state: 'unverified', isNew: true } })).toBe(true);
  });
});
