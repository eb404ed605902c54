/**
 * Mobile Push under Access Manager (docs/relay.md, "Mobile Push"), played by Mallory with a genuine token for
 * her own conversation only: she cannot enable a device on Bob's conversation (a push for every message there
 * would tell her when it is busy), cannot list or remove Bob's registrations, and a refused call changes
 * nothing. Bob, with `read` on his conversation, registers and sees his own.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { PUB, SECRET, SUB, cleanup, client, failure, startTestRelay, userWithToken } from './helpers';

afterEach(cleanup);

describe('push registration needs read access', () => {
  it('refuses a device on a channel the token cannot read; list and remove see only readable channels', async () => {
    const relay = await startTestRelay({ secretKey: SECRET, publishKey: PUB, subscribeKey: SUB });
    const keyService = client(relay, 'key-service', { secretKey: SECRET });
    const bob = await userWithToken(relay, keyService, 'bob', { resources: { channels: { 'conv.bob': { read: true }, 'conv.mb': { read: true } } } });
    const mallory = await userWithToken(relay, keyService, 'mallory', { resources: { channels: { 'conv.mb': { read: true, write: true } } } });
    const writeOnly = await userWithToken(relay, keyService, 'wo', { resources: { channels: { 'conv.bob': { write: true } } } });
    const noToken = client(relay, 'anon');

    await bob.push.addChannels({ device: 'bob-phone', pushGateway: 'fcm', channels: ['conv.bob', 'conv.mb'] });

    const refused = await failure(mallory.push.addChannels({ device: 'mallory-phone', pushGateway: 'fcm', channels: ['conv.mb', 'conv.bob'] }));
    expect(refused.statusCode).toBe(403);
    expect(refused.errorData).toMatchObject({ code: 'forbidden', payload: { channels: ['conv.bob'] } });
    expect((await failure(writeOnly.push.addChannels({ device: 'wo-phone', pushGateway: 'fcm', channels: ['conv.bob'] }))).statusCode).toBe(403);
    expect((await failure(noToken.push.addChannels({ device: 'anon-phone', pushGateway: 'fcm', channels: ['conv.bob'] }))).statusCode).toBe(403);
    expect((await failure(noToken.push.listChannels({ device: 'bob-phone', pushGateway: 'fcm' }))).statusCode).toBe(403);
    // Nothing was registered by the refused calls (not even conv.mb, which she may read).
    expect((await keyService.push.listChannels({ device: 'mallory-phone', pushGateway: 'fcm' })).channels).toEqual([]);
    expect((await keyService.push.listChannels({ device: 'anon-phone', pushGateway: 'fcm' })).channels).toEqual([]);

    // Knowing Bob's device token, she sees and removes only what she may read.
    expect((await mallory.push.listChannels({ device: 'bob-phone', pushGateway: 'fcm' })).channels).toEqual(['conv.mb']);
    expect((await failure(mallory.push.removeChannels({ device: 'bob-phone', pushGateway: 'fcm', channels: ['conv.bob'] }))).statusCode).toBe(403);
    await mallory.push.deleteDevice({ device: 'bob-phone', pushGateway: 'fcm' });
    expect((await bob.push.listChannels({ device: 'bob-phone', pushGateway: 'fcm' })).channels).toEqual(['conv.bob']);

    // Mallory's own device on her own conversation is fine.
    await mallory.push.addChannels({ device: 'mallory-phone', pushGateway: 'fcm', channels: ['conv.mb'] });
    expect((await mallory.push.listChannels({ device: 'mallory-phone', pushGateway: 'fcm' })).channels).toEqual(['conv.mb']);
  });
});
