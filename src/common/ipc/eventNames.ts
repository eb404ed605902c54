/**
 * Names of the main→renderer events, without their schemas (so the preload bundles no validator); the
 * schemas are in events.ts.
 */
export const eventNames = [
  'keyAvailable',
  'conversationsChanged',
  'linkStatus',
  'sessionChanged',
  'broadcastChanged',
  'navigate',
  'trustChanged',
  'outboxChanged',
  'localStoreFailed',
  'messagesExpired',
  'fileTransfer',
  'accountResetChanged',
] as const;
export type EventName = (typeof eventNames)[number];

/** Wire channel of all events (Electron `webContents.send`); the message is `{ name, payload }`. */
export const EVENT_CHANNEL = 'seed:event';

export function listenerName(event: EventName): `on${Capitalize<EventName>}` {
  return `on${event.charAt(0).toUpperCase()}${event.slice(1)}` as `on${Capitalize<EventName>}`;
}
