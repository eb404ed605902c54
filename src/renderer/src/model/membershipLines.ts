/**
 * System lines for membership changes (beside the key-rotation lines of docs/messaging.md §Timeline): one
 * line per verified membership statement main reports (`membershipHistory`, docs/protocol.md §15) — who
 * created the conversation, added, removed, left, changed a role or the history setting, and when. They
 * come from the signed history, so they are the same after a restart and on every member's device. A person
 * added who is a new contact of this user is named in `newContact`, and the line shows a "new" badge.
 */
import type { MembershipEventView, MembershipPerson } from '../../../common/ipc/schemas/conversations';
import { missingCase } from '../../../common/errors';
import { timerText } from '../../../common/protocol/disappearing';
import { cleanName } from './displayText';

export interface MembershipLine {
  readonly key: string;
  readonly text: string;
  /** The actor's clock when they signed (ms); lines are merged with messages by it. */
  readonly at: number;
  /** The new contact this line adds, when it adds one: the line shows the "new" badge for them. */
  readonly newContact?: string;
}

/** Beyond this many other members, a genesis is one line (plus a line for each new contact among them). */
export const GENESIS_LINES_MAX = 10;

/** The accessible label of the "new" badge. */
export function newContactLabel(name: string): string {
  return `new contact: you have not met or verified ${name}`;
}

/** Whom a line names: "You" as the subject for this user, "you" as the object. */
function subject(p: MembershipPerson, self: string | null): string {
  return p.userId === self ? 'You' : cleanName(p.displayName);
}
function object(p: MembershipPerson, self: string | null): string {
  return p.userId === self ? 'you' : cleanName(p.displayName);
}

const roleText = (role: 'admin' | 'member') => (role === 'admin' ? 'an admin' : 'a member');

export function historySettingText(policy: 'shared' | 'joined'): string {
  return policy === 'shared' ? 'new members can read earlier messages' : 'new members read only messages sent after they join';
}

/**
 * The lines of a verified history, in chain order. `isNew` says whether a person is a new contact now
 * (default: as main marked them when the history was loaded).
 */
export function membershipLines(
  events: readonly MembershipEventView[],
  selfUserId: string | null,
  isNew: (person: MembershipPerson) => boolean = (p) => p.isNew,
): MembershipLine[] {
  const lines: MembershipLine[] = [];
  const fresh = (p: MembershipPerson) => p.userId !== selfUserId && isNew(p);
  for (const e of events) {
    const line = (text: string, id = '', added?: MembershipPerson) =>
      lines.push({ key: `membership:${e.seq}${id}`, text, at: e.at, ...(added !== undefined && fresh(added) ? { newContact: added.displayName } : {}) });
    const actor = subject(e.actor, selfUserId);
    const c = e.change;
    switch (c.type) {
      case 'create': {
        const what = c.kind === 'group' ? 'group' : 'conversation';
        if (c.migrated) {
          line(`Membership is recorded from here on (the ${what} is older)`);
          break;
        }
        const others = c.members.filter((m) => m.userId !== e.actor.userId);
        if (c.kind === 'direct') {
          const peer = others[0];
          line(peer ? `${actor} started the conversation with ${object(peer, selfUserId)}` : `${actor} started the conversation`, '', peer);
          break;
        }
        line(`${actor} created the group`);
        // By name, not by the statement's order (which follows random user ids): the lines read the same every time.
        const shown = (others.length <= GENESIS_LINES_MAX ? others : others.filter(fresh)).slice().sort((x, y) => x.displayName.localeCompare(y.displayName));
        if (shown.length < others.length) line(`${actor} added ${others.length} people`, ':all');
        for (const m of shown) line(`${actor} added ${object(m, selfUserId)}${m.role === 'admin' ? ' as an admin' : ''}`, `:${m.userId}`, m);
        break;
      }
      case 'add':
        line(`${actor} added ${object(c.user, selfUserId)}${c.role === 'admin' ? ' as an admin' : ''}`, '', c.user);
        break;
      case 'remove':
        line(`${actor} removed ${object(c.user, selfUserId)}`);
        break;
      case 'leave':
        line(`${actor} left`);
        break;
      case 'role':
        line(`${actor} made ${object(c.user, selfUserId)} ${roleText(c.role)}`);
        break;
      case 'history':
        line(`${actor} changed the history setting: ${historySettingText(c.historyPolicy)}`);
        break;
      case 'disappearing':
        line(c.seconds === 0 ? `${actor} turned off disappearing messages` : `${actor} set messages to disappear after ${timerText(c.seconds)}`);
        break;
      default:
        missingCase(c);
    }
  }
  return lines;
}
