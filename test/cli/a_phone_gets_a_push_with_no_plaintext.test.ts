/**
 * Scenario (docs/messaging.md "Push for mobile"): Bob's CLI profile acts as his phone and registers an FCM and
 * an APNs device token on his conversations through the real SDK; Alice's desktop core sends to him. With the
 * managed policy `pushPayload` off nothing is pushed; with `generic` the relay's stand-in for APNs/FCM records
 * one notification per device, and the recorded JSON holds "New message" and the conversation id but not the
 * text, nor Alice's name, username, user id or device id. Bob still reads the message. Mallory, with a genuine
 * token for her own conversations, tries to put her phone on theirs and is refused (`push_access_denied`).
 */
import PubNub from 'pubnub';
import { describe, expect, it } from 'vitest';
import { addPushChannels, PushDeviceError } from '../../src/client/pushDevice';
import type { PushPayload } from '../../src/common/policy/values';
import type { ConversationId } from '../../src/common/ids';
import { apiOf, newClient, PASSWORD, PUB, say, SECRET, SUB, uniqueName } from '../client/harness';
import { json, useCliWorld } from './cliWorld';

const { cli, world } = useCliWorld('seed-cli-push-');

const FCM = ['--token', 'fcm:bob-phone_APA91b-0001', '--type', 'fcm'];
const APNS = ['--token', 'ab'.repeat(32), '--type', 'apns2', '--topic', 'com.example.seed', '--environment', 'production'];

describe('a phone gets a push with no plaintext', { timeout: 180_000 }, () => {
  it('records "New message" and the conversation id only, and nothing with the policy off', async () => {
    const w = world();
    let mode: PushPayload = 'off';
    const aliceName = uniqueName('alice');
    const alice = await newClient(w, 'Alice laptop', { pushPayload: () => mode });
    await alice.register({ username: aliceName, password: PASSWORD, displayName: 'Alice Liddell' });
    const bob = `pb-${Date.now() % 100000}`;
    json(await cli(bob, ['--json', 'register', uniqueName('bob'), '--display-name', 'Bob Builder']));
    const dm = json<{ conversationId: ConversationId }>(await cli(bob, ['--json', 'create', aliceName]));

    const fcm = json<{ conversationIds: string[] }>(await cli(bob, ['--json', 'push', 'register', ...FCM]));
    expect(fcm.conversationIds).toEqual([dm.conversationId]);
    json(await cli(bob, ['--json', 'push', 'register', ...APNS]));
    expect(json<{ conversationIds: string[] }>(await cli(bob, ['--json', 'push', 'list', ...APNS])).conversationIds).toEqual([dm.conversationId]);

    await say(alice, dm.conversationId, 'policy off: the papaya is ripe');
    expect(w.relay.pushProviderOutbox(SUB)).toEqual([]);

    mode = 'generic';
    await say(alice, dm.conversationId, 'the pineapple code is 4417');
    const records = w.relay.pushProviderOutbox(SUB);
    expect(records.map((r) => r.provider).sort()).toEqual(['apns', 'fcm']);
    expect(records.find((r) => r.provider === 'fcm')?.payload).toEqual({
      notification: { title: 'New message' },
      data: { conversationId: dm.conversationId },
    });
    expect(records.find((r) => r.provider === 'apns')?.payload).toEqual({
      aps: { alert: 'New message', 'mutable-content': 1 },
      conversationId: dm.conversationId,
    });
    const recorded = JSON.stringify(records);
    const me = alice.session();
    for (const secret of ['pineapple', '4417', 'papaya', aliceName, 'Alice', 'Liddell', me.userId, me.deviceId, 'Alice laptop']) {
      expect(recorded, secret).not.toContain(secret);
    }
    expect(recorded).toContain(dm.conversationId);

    // The push part never gets in the way of reading.
    const read = await cli(bob, ['read', dm.conversationId]);
    expect(read.stdout).toContain(`${aliceName}: the pineapple code is 4417`);

    // Unregistered: nothing more is recorded for those devices.
    json(await cli(bob, ['--json', 'push', 'unregister', ...FCM]));
    json(await cli(bob, ['--json', 'push', 'unregister', ...APNS]));
    await say(alice, dm.conversationId, 'after unregistering');
    expect(w.relay.pushProviderOutbox(SUB)).toHaveLength(2);
    expect(json<{ conversationIds: string[] }>(await cli(bob, ['--json', 'push', 'list', ...FCM])).conversationIds).toEqual([]);

    // Mallory, with her own genuine token, cannot enable her phone on Alice and Bob's conversation.
    const mallory = await newClient(w, 'Mallory laptop');
    await mallory.register({ username: uniqueName('mallory'), password: PASSWORD });
    const token = await apiOf(mallory).request('getPubnubToken');
    const sdk = new PubNub({ publishKey: token.publishKey, subscribeKey: token.subscribeKey, userId: token.userId, origin: w.relay.origin, ssl: false });
    try {
      sdk.setToken(token.token);
      const device = { gateway: 'fcm' as const, token: 'mallory-phone' };
      const refused = await addPushChannels(sdk, device, [`conv.${dm.conversationId}`]).catch((e: unknown) => e);
      expect(refused).toBeInstanceOf(PushDeviceError);
      expect((refused as PushDeviceError).code).toBe('push_access_denied');
      const server = new PubNub({ publishKey: PUB, subscribeKey: SUB, secretKey: SECRET, userId: 'key-service', origin: w.relay.origin, ssl: false });
      try {
        expect((await server.push.listChannels({ device: 'mallory-phone', pushGateway: 'fcm' })).channels).toEqual([]);
      } finally {
        server.destroy(true);
      }
      // And the CLI refuses a malformed device before anything is sent.
      const bad = await cli(bob, ['push', 'register', '--token', 'has space', '--type', 'fcm']);
      expect(bad.code).toBe(1);
      expect(bad.stderr).toMatch(/^error push_device_invalid: /);
      expect((await cli(bob, ['push', 'register', '--token', 't', '--type', 'gcm'])).code).toBe(2);
    } finally {
      sdk.destroy(true);
    }
  });
});
