/**
 * A live event on a channel and its subscribe envelope (docs/pubnub-wire.md §3 "Response"): `a` shard, `f`
 * flags, `i` publisher, `s` sequence, `p` publish timetoken, `k` subscribe key, `c` channel, `d` payload, `b`
 * the subscription that matched (group or wildcard; omitted when it is `c`), `u` meta, `cmt` custom type and
 * `e` type — 1 signal, 3 message action, 4 file message; omitted for messages (`e: 0` would be read as a file)
 * and presence.
 */
import { missingCase } from '../../common/errors';
import type { Timetoken } from '../timetoken';

/** fetch v3 `message_type` of a stored file message (docs/pubnub-wire.md: 4 = file). */
export const FILE_MESSAGE_TYPE = 4;

export type EventKind = 'message' | 'signal' | 'action' | 'file' | 'presence';

export interface RelayEvent {
  readonly subKey: string;
  /** The actual channel; presence events are on `<channel>-pnpres`. */
  readonly channel: string;
  readonly tt: Timetoken;
  readonly kind: EventKind;
  readonly publisher: string | undefined;
  /** Payload as JSON text. */
  readonly payload: string;
  /** Publish meta as JSON text. */
  readonly meta: string | null;
  readonly customType: string | null;
  readonly sequence: number;
}

function eventType(kind: EventKind): number | undefined {
  switch (kind) {
    case 'message':
    case 'presence':
      return undefined;
    case 'signal':
      return 1;
    case 'action':
      return 3;
    case 'file':
      return 4;
    default:
      return missingCase(kind);
  }
}

/** The envelope as JSON text; `payload` and `meta` are spliced in as the JSON they already are. */
export function envelopeJson(event: RelayEvent, match: string | undefined): string {
  const parts = [
    `"a":"1"`,
    `"f":0`,
    ...(event.publisher !== undefined ? [`"i":${JSON.stringify(event.publisher)}`] : []),
    `"s":${event.sequence}`,
    `"p":{"t":"${event.tt}","r":1}`,
    `"k":${JSON.stringify(event.subKey)}`,
    `"c":${JSON.stringify(event.channel)}`,
    `"d":${event.payload}`,
  ];
  if (match !== undefined && match !== event.channel) parts.push(`"b":${JSON.stringify(match)}`);
  if (event.meta !== null) parts.push(`"u":${event.meta}`);
  if (event.customType !== null) parts.push(`"cmt":${JSON.stringify(event.customType)}`);
  const e = eventType(event.kind);
  if (e !== undefined) parts.push(`"e":${e}`);
  return `{${parts.join(',')}}`;
}

/** Rough memory cost of an event, for backlog bounds. */
export function eventSize(event: RelayEvent): number {
  return 200 + event.channel.length + event.payload.length + (event.meta?.length ?? 0);
}
