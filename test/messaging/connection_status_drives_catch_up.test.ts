/**
 * The subscription status as the SDK reports it drives the cursor discipline: after a disconnect status no
 * conversation is live and live messages no longer move the cursor (a gap in the live stream must be read
 * from history), the interruption is reported as `subscribe_failed` (`access_denied` when the transport
 * refused); a reconnect status catches every joined conversation up from history before it is live again.
 * The statuses are the SDK's shapes, handed to the pipeline's status handler.
 */
import type PubNub from 'pubnub';
import { afterEach, describe, expect, it } from 'vitest';
import type { MessagingError } from '../../src/common/messaging/errors';
import { handleStatus } from '../../src/common/messaging/events';
import { cleanup, conversation, participant, startTestRelay, texts, waitFor } from './harness';

afterEach(cleanup);

const status = (category: string, error?: string) => ({ category, error }) as unknown as PubNub.StatusEvent;

describe('connection status drives catch-up', () => {
  it('stops advancing the cursor on a disconnect and catches up on reconnect', async () => {
    const relay = await startTestRelay();
    const alice = await participant(relay, 'alice');
    const bob = await participant(relay, 'bob');
    const errors: MessagingError[] = [];
    bob.messaging.onError((e) => errors.push(e));
    const dm = await conversation('dm-status-1', [alice, bob]);
    await bob.messaging.join([dm]);
    await waitFor('bob live', () => bob.messaging.view(dm).live);
    const first = await alice.messaging.send(dm, { type: 'string', body: 'first' });
    if (first.state !== 'sent') throw new Error('send failed');
    await waitFor('cursor follows live', () => bob.cursors.saved.get(dm) === first.timetoken);

    handleStatus(bob.messaging, status('PNConnectionErrorCategory', 'PNAccessDeniedCategory'));
    expect(bob.messaging.view(dm).live).toBe(false);
    expect(errors.map((e) => [e.code, (e as { reason?: string }).reason])).toEqual([['subscribe_failed', 'access_denied']]);

    const second = await alice.messaging.send(dm, { type: 'string', body: 'second' });
    if (second.state !== 'sent') throw new Error('send failed');
    await waitFor('second arrives live', () => texts(bob, dm).length === 2);
    expect(bob.cursors.saved.get(dm)).toBe(first.timetoken);

    handleStatus(bob.messaging, status('PNReconnectedCategory'));
    await waitFor('live again', () => bob.messaging.view(dm).live);
    expect(bob.cursors.saved.get(dm)).toBe(second.timetoken);
    expect(texts(bob, dm)).toEqual(['first', 'second']);

    handleStatus(bob.messaging, status('PNDisconnectedUnexpectedlyCategory', 'PNNetworkIssuesCategory'));
    expect(errors.at(-1)).toMatchObject({ code: 'subscribe_failed', reason: 'network' });
  });
});
