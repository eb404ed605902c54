/**
 * Reactions and read receipts of one conversation (docs/messaging.md §Receipts and reactions): PubNub
 * message actions `reaction`/<emoji> and `receipt`/`read`, keyed by the message timetoken they annotate.
 * Pure state fed from live action events and from the `actions` of history pages. An action is identified
 * by its action timetoken; a removed one stays removed even if an older history page still lists it.
 * A read receipt on a message means "read up to here": it covers every earlier message too.
 */
import { isReactionValue, MAX_REACTION_LENGTH } from '../protocol/chatAction';
import { compareTimetokens, isTimetoken } from './timetoken';

export const REACTION_ACTION = 'reaction';
export const RECEIPT_ACTION = 'receipt';
export const READ_VALUE = 'read';

export { isReactionValue, MAX_REACTION_LENGTH } from '../protocol/chatAction';
/** An actor (a PubNub user id): a user id's characters, bounded. */
const ACTOR = /^[A-Za-z0-9_-]{1,64}$/;

/**
 * Why an action cannot be kept in the local store (null when it can): only `reaction`/<a reaction value> and
 * `receipt`/`read`, with well-formed timetokens and actor. The store in main checks the same.
 */
export function unstorableReason(action: ActionEvent): string | null {
  if (!isTimetoken(action.messageTimetoken) || !isTimetoken(action.actionTimetoken)) return 'a timetoken is not 1-20 digits';
  if (typeof action.actor !== 'string' || !ACTOR.test(action.actor)) return 'the actor is not a user id';
  if (action.type === RECEIPT_ACTION) return action.value === READ_VALUE ? null : `a receipt's value is "${READ_VALUE}"`;
  if (action.type === REACTION_ACTION)
    return isReactionValue(action.value) ? null : `a reaction is 1-${MAX_REACTION_LENGTH} characters without spaces or control characters`;
  return 'the type is neither reaction nor receipt';
}

/** One message action as the transport reports it. */
export interface ActionEvent {
  readonly messageTimetoken: string;
  readonly type: string;
  readonly value: string;
  readonly actor: string;
  readonly actionTimetoken: string;
}

/** An action added, or removed for good (as kept in the host's local store). */
export interface ActionChange {
  readonly event: 'added' | 'removed';
  readonly action: ActionEvent;
}

/** An action as the host's local store kept it: `removed` when it was taken back. */
export interface StoredAction extends ActionEvent {
  readonly removed: boolean;
}

/** History's `actions` field of one message: type → value → [{uuid, actionTimetoken}]. */
export type HistoryActions = Record<string, Record<string, readonly { readonly uuid: string; readonly actionTimetoken: string }[]>>;

export class Annotations {
  /** Message timetoken → action id → action. */
  private readonly byMessage = new Map<string, Map<string, ActionEvent>>();
  /** Action id → the removed action (a removal wins over any later listing of the same action). */
  private readonly removed = new Map<string, ActionEvent>();
  private changes = 0;

  get revision(): number {
    return this.changes;
  }

  /** Applies an added or removed action; false when it changed nothing. */
  apply(event: 'added' | 'removed', action: ActionEvent): boolean {
    const id = actionId(action);
    const actions = this.byMessage.get(action.messageTimetoken) ?? new Map<string, ActionEvent>();
    if (event === 'removed') {
      this.removed.set(id, action);
      if (!actions.delete(id)) return false;
    } else {
      if (this.removed.has(id) || actions.has(id)) return false;
      actions.set(id, action);
      this.byMessage.set(action.messageTimetoken, actions);
    }
    this.changes += 1;
    return true;
  }

  /** Adds the actions a history page lists for one message. */
  applyHistory(messageTimetoken: string, actions: HistoryActions): void {
    for (const [type, values] of Object.entries(actions)) {
      for (const [value, list] of Object.entries(values)) {
        for (const a of list) this.apply('added', { messageTimetoken, type, value, actor: a.uuid, actionTimetoken: a.actionTimetoken });
      }
    }
  }

  /** Every action known on a message, added and removed (to keep them in the local store). */
  known(messageTimetoken: string): { event: 'added' | 'removed'; action: ActionEvent }[] {
    const added = [...(this.byMessage.get(messageTimetoken)?.values() ?? [])].map((action) => ({ event: 'added' as const, action }));
    const removed = [...this.removed.values()].filter((a) => a.messageTimetoken === messageTimetoken).map((action) => ({ event: 'removed' as const, action }));
    return [...added, ...removed];
  }

  /** Reaction values on a message with their actors, in order of first use. */
  reactions(messageTimetoken: string): { value: string; actors: string[] }[] {
    const byValue = new Map<string, string[]>();
    for (const a of this.sorted(messageTimetoken)) {
      if (a.type !== REACTION_ACTION) continue;
      const actors = byValue.get(a.value) ?? [];
      if (!actors.includes(a.actor)) actors.push(a.actor);
      byValue.set(a.value, actors);
    }
    return [...byValue].map(([value, actors]) => ({ value, actors }));
  }

  /** The action timetoken of `actor`'s action on a message, if any (to remove it). */
  find(messageTimetoken: string, type: string, value: string, actor: string): ActionEvent | undefined {
    for (const a of this.byMessage.get(messageTimetoken)?.values() ?? []) {
      if (a.type === type && a.value === value && a.actor === actor) return a;
    }
    return undefined;
  }

  /** The newest message timetoken each actor has marked read. */
  readUpTo(): Map<string, string> {
    const upTo = new Map<string, string>();
    for (const a of [...this.byMessage.values()].flatMap((m) => [...m.values()])) {
      if (a.type !== RECEIPT_ACTION || a.value !== READ_VALUE) continue;
      const current = upTo.get(a.actor);
      if (current === undefined || compareTimetokens(a.messageTimetoken, current) > 0) upTo.set(a.actor, a.messageTimetoken);
    }
    return upTo;
  }

  private sorted(messageTimetoken: string): ActionEvent[] {
    return [...(this.byMessage.get(messageTimetoken)?.values() ?? [])].sort((a, b) => compareTimetokens(a.actionTimetoken, b.actionTimetoken));
  }
}

function actionId(a: ActionEvent): string {
  return `${a.messageTimetoken}/${a.actionTimetoken}/${a.type}/${a.value}/${a.actor}`;
}
