/**
 * Names cannot reorder the text around them or imitate another name (model/displayText.ts): bidirectional
 * controls and invisible characters are removed from every name the UI shows (authors, titles, membership
 * lines), a name mixing look-alike alphabets is flagged, and former members keep their name on old messages.
 */
import { describe, expect, it } from 'vitest';
import { cleanName, confusableScripts, hasHiddenCharacters, looksDeceptive } from '../../src/renderer/src/model/displayText';
import { conversationTitle, nameOf, peopleOf, UNKNOWN_PERSON } from '../../src/renderer/src/model/people';
import { membershipLines } from '../../src/renderer/src/model/membershipLines';
import type { ConversationSummary, MembershipEventView } from '../../src/common/ipc/schemas/conversations';
import type { UserId } from '../../src/common/ids';

const RLO = '\u202E';

describe('names shown without bidirectional tricks', () => {
  it('a right-to-left override cannot make "gnp.exe" read "exe.png"', () => {
    const name = `Bob ${RLO}gnp.exe`;
    expect(cleanName(name)).toBe('Bob gnp.exe');
    expect(hasHiddenCharacters(name)).toBe(true);
    expect(looksDeceptive(name)).toBe(true);
  });

  it('every bidi control and invisible character goes; visible text stays as typed', () => {
    for (const c of [
      '\u202A',
      '\u202B',
      '\u202C',
      '\u202D',
      '\u202E',
      '\u2066',
      '\u2067',
      '\u2068',
      '\u2069',
      '\u200E',
      '\u200F',
      '\u061C',
      '\u200B',
      '\u200D',
      '\uFEFF',
    ]) {
      expect(cleanName(`Al${c}ice`), `U+${c.codePointAt(0)!.toString(16)}`).toBe('Alice');
    }
    expect(cleanName('محمد')).toBe('محمد');
    expect(cleanName('Zoë 李')).toBe('Zoë 李');
    expect(hasHiddenCharacters('Zoë 李')).toBe(false);
  });

  it('a name mixing look-alike alphabets is flagged; one script, or other scripts, are not', () => {
    expect(confusableScripts('\u0410lice')).toEqual(['Latin', 'Cyrillic']);
    expect(looksDeceptive('\u0410lice')).toBe(true);
    expect(looksDeceptive('Alice')).toBe(false);
    expect(looksDeceptive('Алиса')).toBe(false);
    expect(looksDeceptive('Alice 李')).toBe(false);
  });
});

const ME = 'u_me';
const member = (userId: string, displayName: string) => ({ userId: userId as UserId, displayName });

describe('who a message is from', () => {
  it('a member by name, cleaned; this user as "You"; a stranger never as a raw id', () => {
    const people = [member('u_bob', `Bob${RLO}`), member(ME, 'Me')];
    expect(nameOf('u_bob', people, ME)).toBe('Bob');
    expect(nameOf(ME, people, ME)).toBe('You');
    expect(nameOf('u_zz', people, ME)).toBe(UNKNOWN_PERSON);
  });

  it('a removed member keeps their name, from the verified membership history', () => {
    const at = 1;
    const alice = { userId: ME, displayName: 'Alice', isNew: false };
    const carol = { userId: 'u_carol', displayName: 'Carol', isNew: false };
    const history: MembershipEventView[] = [
      { seq: 0, at, actor: alice, change: { type: 'create', kind: 'group', members: [{ ...alice, role: 'owner' }], migrated: false } },
      { seq: 1, at, actor: alice, change: { type: 'add', user: carol, role: 'member' } },
      { seq: 2, at, actor: alice, change: { type: 'remove', user: carol } },
    ] as MembershipEventView[];
    const current = [member(ME, 'Alice')];
    expect(nameOf('u_carol', current, ME)).toBe(UNKNOWN_PERSON);
    const people = peopleOf(current, history);
    expect(nameOf('u_carol', people, ME)).toBe('Carol');
    expect(people.filter((p) => p.userId === ME)).toHaveLength(1);
  });

  it('titles and membership lines show cleaned names', () => {
    const dm = { kind: 'direct', name: 'dm', members: [member(ME, 'Me'), member('u_bob', `${RLO}boB`)] } as unknown as ConversationSummary;
    expect(conversationTitle(dm, ME)).toBe('boB');
    const group = { kind: 'group', name: `Team${RLO} news` } as unknown as ConversationSummary;
    expect(conversationTitle(group, ME)).toBe('Team news');
    const lines = membershipLines(
      [{ seq: 1, at: 1, actor: { userId: 'u_bob', displayName: `B${RLO}ob`, isNew: false }, change: { type: 'leave' } }] as MembershipEventView[],
      ME,
    );
    expect(lines[0]!.text).not.toContain(RLO);
    expect(lines[0]!.text).toMatch(/^Bob /);
  });
});
