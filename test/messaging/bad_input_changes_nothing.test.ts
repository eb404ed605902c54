/**
 * Bad input to the pipeline gets a typed error and changes nothing: malformed conversation ids, message
 * bodies that do not match their type, malformed timetokens and reactions, options out of range, and any
 * call after dispose. A change listener that throws is reported (`listener_failed`) and changes nothing.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createMessaging } from '../../src/common/messaging/messaging';
import { cleanup, conversation, participant, startTestRelay, waitFor } from './harness';

afterEach(cleanup);

describe('bad input changes nothing', () => {
  it('refuses bad arguments with typed errors', async () => {
    const relay = await startTestRelay();
    const alice = await participant(relay, 'alice');
    const dm = await conversation('dm-bad-input', [alice]);
    const m = alice.messaging;

    await expect(m.join(['no' as never])).rejects.toMatchObject({ code: 'invalid_input' });
    await expect(m.join([dm, 'conv with spaces' as never])).rejects.toMatchObject({ code: 'invalid_input' });
    expect(m.joined()).toEqual([]);
    expect(() => m.view('x' as never)).toThrow(expect.objectContaining({ code: 'invalid_input' }));

    const badBodies: unknown[] = [
      { type: 'string', body: 42 },
      { type: 'string', body: '\ud800' },
      { type: 'binary', body: 'not bytes' },
      { type: 'json', body: undefined },
      { type: 'html', body: '<b>' },
      null,
    ];
    for (const body of badBodies) await expect(m.send(dm, body as never), JSON.stringify(body)).rejects.toMatchObject({ code: 'invalid_input' });
    expect(m.view(dm).items).toEqual([]);

    await expect(m.react(dm, 'not-a-timetoken', '👍')).rejects.toMatchObject({ code: 'invalid_input' });
    await expect(m.react(dm, '17000000000000000', '')).rejects.toMatchObject({ code: 'invalid_input' });
    await expect(m.react(dm, '17000000000000000', 'x'.repeat(65))).rejects.toMatchObject({ code: 'invalid_input' });
    await expect(m.markRead(dm, '-1')).rejects.toMatchObject({ code: 'invalid_input' });

    expect(() =>
      createMessaging({
        pubnub: alice.pubnub,
        crypto: alice.crypto,
        cursors: alice.cursors,
        self: { userId: alice.user.userId, deviceId: alice.user.devices[0]!.deviceId },
        randomBytes: () => new Uint8Array(16),
        pageSize: 26,
      }),
    ).toThrow(expect.objectContaining({ code: 'invalid_input' }));

    const errors: string[] = [];
    m.onError((e) => errors.push(e.code));
    const off = m.onChange(() => {
      throw new Error('listener bug');
    });
    await m.join([dm]);
    await waitFor('listener failure reported', () => errors.includes('listener_failed'));
    off();
    expect((await m.send(dm, { type: 'string', body: 'still working' })).state).toBe('sent');

    await m.dispose();
    await expect(m.send(dm, { type: 'string', body: 'late' })).rejects.toMatchObject({ code: 'disposed' });
    await expect(m.join([dm])).rejects.toMatchObject({ code: 'disposed' });
    expect(() => m.view(dm)).toThrow(expect.objectContaining({ code: 'disposed' }));
  });
});
