/**
 * Several named events on one object (after matrix-js-sdk's typed event maps): the map type names each
 * event's listener arguments, and each event is an `Emitter` (emitter.ts, whose rules apply per event)
 * made on first use: `on(name, listener) → unsubscribe`, `fire(name, ...args)`.
 */
import { Emitter, type Listener, type Unsubscribe } from './emitter';

export type EventArgs = Record<string, readonly unknown[]>;

export class EventMap<M extends EventArgs> {
  private readonly emitters = new Map<keyof M, Emitter<M[keyof M]>>();

  on<K extends keyof M>(name: K, listener: Listener<M[K]>): Unsubscribe {
    let emitter = this.emitters.get(name) as Emitter<M[K]> | undefined;
    if (emitter === undefined) {
      emitter = new Emitter<M[K]>();
      this.emitters.set(name, emitter as unknown as Emitter<M[keyof M]>);
    }
    return emitter.event(listener);
  }

  fire<K extends keyof M>(name: K, ...args: M[K]): void {
    (this.emitters.get(name) as Emitter<M[K]> | undefined)?.fire(...args);
  }
}
