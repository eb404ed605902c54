/**
 * The main-side end of main→renderer events: services `emit` typed events; each payload is parsed through
 * the contract's schema (which strips undeclared fields) before it reaches any transport — Electron's
 * `webContents.send` or the web host's event stream.
 */
import { Emitter } from '../../common/events/emitter';
import { eventSchemas, type EventName, type EventPayload } from '../../common/ipc/events';

export interface EventMessage {
  name: EventName;
  payload: unknown;
}

export interface EventSink {
  emit<E extends EventName>(event: E, payload: EventPayload<E>): void;
}

export interface EventHub extends EventSink {
  /** Adds a transport; returns its detach function. */
  attach(send: (message: EventMessage) => void): () => void;
}

export function createEventHub(): EventHub {
  const transports = new Emitter<[message: EventMessage]>();
  return {
    emit(event, payload) {
      transports.fire({ name: event, payload: eventSchemas[event].parse(payload) });
    },
    attach: transports.event,
  };
}
