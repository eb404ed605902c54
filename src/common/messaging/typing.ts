/**
 * Who is typing in each conversation (docs/messaging.md §Typing). A `typing: true` signal marks an actor
 * as typing until `ttlMs` passes without another one, a `typing: false` signal or a message from them;
 * expiry runs on the host's timers, all of which `dispose()` clears.
 */
import type { ConversationId } from '../ids';

export interface TypingTimers {
  setTimeout(handler: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export class TypingTracker {
  private readonly timers = new Map<string, unknown>();
  private readonly typing = new Map<ConversationId, Set<string>>();

  constructor(
    private readonly ttlMs: number,
    private readonly clock: TypingTimers,
    private readonly changed: (conversationId: ConversationId) => void,
  ) {}

  /** Records a typing signal (or a message, as `false`) from `actor`. */
  set(conversationId: ConversationId, actor: string, typing: boolean): void {
    const key = `${conversationId}\u0000${actor}`;
    const handle = this.timers.get(key);
    if (handle !== undefined) this.clock.clearTimeout(handle);
    this.timers.delete(key);
    const actors = this.typing.get(conversationId) ?? new Set<string>();
    const was = actors.has(actor);
    if (typing) {
      actors.add(actor);
      this.typing.set(conversationId, actors);
      this.timers.set(
        key,
        this.clock.setTimeout(() => this.set(conversationId, actor, false), this.ttlMs),
      );
    } else {
      actors.delete(actor);
    }
    if (was !== typing) this.changed(conversationId);
  }

  /** Actors typing now, sorted. */
  actors(conversationId: ConversationId): string[] {
    return [...(this.typing.get(conversationId) ?? [])].sort();
  }

  /** Forgets a conversation and its timers. */
  clear(conversationId: ConversationId): void {
    for (const actor of this.actors(conversationId)) this.set(conversationId, actor, false);
    this.typing.delete(conversationId);
  }

  /** Stops every timer. */
  dispose(): void {
    for (const handle of this.timers.values()) this.clock.clearTimeout(handle);
    this.timers.clear();
    this.typing.clear();
  }
}
