/**
 * The thin glue to the `pubnub` SDK (docs/messaging.md §Transport): the part of the SDK the pipeline uses,
 * a history page reader over `fetchMessages` (with message actions, timetokens as strings; an entry without
 * a valid timetoken is skipped, malformed actions are dropped), and the
 * classification of SDK errors into delivery-failure codes. Everything else in the pipeline is pure logic.
 */
import type PubNub from 'pubnub';
import { z } from 'zod';
import type { DeliveryFailureCode } from './errors';
import type { HistoryActions } from './annotations';
import { isTimetoken, timetokenOf } from './timetoken';

/** The SDK surface the pipeline needs; a `PubNub` instance satisfies it. */
export type PubNubClient = Pick<
  PubNub,
  'publish' | 'signal' | 'fetchMessages' | 'addMessageAction' | 'removeMessageAction' | 'channel' | 'addListener' | 'removeListener' | 'getUserId'
>;

/** A stored message as a history page lists it. */
export interface HistoryEntry {
  readonly timetoken: string;
  readonly publisher: string | undefined;
  readonly message: unknown;
  readonly actions: HistoryActions | undefined;
}

/** Page bounds in PubNub's terms: `start` exclusive (page back from it), `end` inclusive (alone: page forward). */
export interface PageQuery {
  readonly start?: string;
  readonly end?: string;
  readonly count: number;
}

/** History's `actions` of one message; anything else is dropped (the message itself is kept). */
const HistoryActionsSchema = z
  .record(z.string(), z.record(z.string(), z.array(z.object({ uuid: z.string(), actionTimetoken: z.string().regex(/^[0-9]{1,20}$/) }))))
  .optional();

/** One history page of a channel, oldest first. */
export async function fetchPage(pubnub: PubNubClient, channel: string, query: PageQuery): Promise<HistoryEntry[]> {
  const response = await pubnub.fetchMessages({
    channels: [channel],
    count: query.count,
    includeMessageActions: true,
    includeUUID: true,
    stringifiedTimeToken: true,
    ...(query.start !== undefined ? { start: query.start } : {}),
    ...(query.end !== undefined ? { end: query.end } : {}),
  });
  const list = response.channels[channel] ?? [];
  return list.flatMap((m) => {
    const timetoken = String(m.timetoken);
    if (!isTimetoken(timetoken)) return [];
    const actions = HistoryActionsSchema.safeParse('actions' in m ? m.actions : undefined);
    return [{ timetoken: timetokenOf(timetoken), publisher: m.uuid, message: m.message, actions: actions.success ? actions.data : undefined }];
  });
}

/** A classified failure: the code a caller branches on and a one-line reason. */
export interface Failure {
  readonly code: DeliveryFailureCode;
  readonly message: string;
}

/** Maps an SDK error to a delivery-failure code. */
export function classifyFailure(error: unknown): Failure {
  const status = (error as { status?: { category?: unknown; statusCode?: unknown } } | null)?.status;
  const category = String(status?.category ?? '');
  const message = error instanceof Error ? error.message : String(error);
  if (category === 'PNAccessDeniedCategory' || status?.statusCode === 403) return { code: 'access_denied', message: 'access denied by the transport' };
  if (category === 'PNNetworkIssuesCategory' || category === 'PNTimeoutCategory' || category === 'PNCancelledCategory') {
    return { code: 'network', message: `the transport is unreachable (${category})` };
  }
  if (status?.statusCode === 413) return { code: 'too_large', message: 'the transport refused the message as too large' };
  return { code: 'publish_failed', message: category === '' ? message : `${message} (${category})` };
}
