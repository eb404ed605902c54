/**
 * The one event primitive, after VS Code's `base/common/event.ts` (docs/architecture.md, "Events and
 * listening servers"): an `Emitter` owns one event, hands subscribers `event(listener) → unsubscribe`, and
 * `fire`s to them. A module that tells others something happened keeps an `Emitter` instead of its own
 * listener set.
 *
 * - The listeners are a set: subscribing the same function again adds nothing, and one unsubscribe
 *   removes it. An unsubscribe is idempotent and never removes a later subscription of the same function.
 * - `fire` calls, in subscription order, the listeners subscribed when it started: one added during a
 *   fire hears the next one; one removed during a fire before its turn is not called.
 * - A listener that throws does not stop the others. With `onListenerError`, each error goes there
 *   together with the fired arguments and `fire` returns normally. Without it, `fire` calls every listener
 *   and then throws the error (an `AggregateError` of all of them when several threw), so the code that
 *   fired sees the failure just as when it called its listeners itself.
 * - `clear()` removes every listener; the emitter stays usable (a client signs out, then in again).
 */

export type Listener<Args extends readonly unknown[]> = (...args: Args) => void;

/** Ends one subscription; calling it again does nothing. */
export type Unsubscribe = () => void;

/** What an emitter hands out: subscribe with a listener, get its unsubscribe. */
export type Event<Args extends readonly unknown[]> = (listener: Listener<Args>) => Unsubscribe;

export interface EmitterOptions<Args extends readonly unknown[]> {
  /** Receives each error a listener threw, with the arguments it was fired with. */
  readonly onListenerError?: (error: unknown, ...args: Args) => void;
}

/** One subscription; a stale unsubscribe compares it to tell itself from a later one. */
type Subscription = object;

export class Emitter<Args extends readonly unknown[] = []> {
  private readonly listeners = new Map<Listener<Args>, Subscription>();

  constructor(private readonly options: EmitterOptions<Args> = {}) {}

  /** Subscribes `listener`; answers its unsubscribe. */
  readonly event: Event<Args> = (listener) => {
    let subscription = this.listeners.get(listener);
    if (subscription === undefined) {
      subscription = {};
      this.listeners.set(listener, subscription);
    }
    const own = subscription;
    return () => {
      if (this.listeners.get(listener) === own) this.listeners.delete(listener);
    };
  };

  fire(...args: Args): void {
    if (this.listeners.size === 0) return;
    const errors: unknown[] = [];
    for (const [listener, subscription] of [...this.listeners]) {
      if (this.listeners.get(listener) !== subscription) continue;
      try {
        listener(...args);
      } catch (error) {
        this.failed(error, args, errors);
      }
    }
    if (errors.length === 1) throw errors[0];
    if (errors.length > 1) throw new AggregateError(errors, `${errors.length} listeners threw`);
  }

  /** Removes every listener. */
  clear(): void {
    this.listeners.clear();
  }

  private failed(error: unknown, args: Args, errors: unknown[]): void {
    const report = this.options.onListenerError;
    if (report === undefined) return void errors.push(error);
    try {
      report(error, ...args);
    } catch (reportError) {
      errors.push(reportError);
    }
  }
}
