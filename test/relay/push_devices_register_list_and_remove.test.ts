/**
 * Mobile Push registration on the relay through the real SDK's `push.*` (docs/relay.md, "Mobile Push"): FCM
 * and APNs (HTTP/2) devices are enabled on channels, listed and removed; a publish carrying `pn_fcm` /
 * `pn_apns` is recorded by the stand-in for APNs/FCM once per enabled device (and only then); bad input and
 * the bounds are refused with typed errors and change nothing.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { cleanup, client, failure, raw, startTestRelay, SUB } from './helpers';

afterEach(cleanup);

const FCM_TOKEN = 'fcm-token:APA91b_phone-1';
const APNS_TOKEN = 'a'.repeat(64);
const TOPIC = 'com.example.seed';

describe('push devices register, list and remove', () => {
  it('enables, lists and removes FCM and APNs devices; a publish with push keys is recorded per device', async () => {
    const relay = await startTestRelay();
    const phone = client(relay, 'bob-phone');
    await phone.push.addChannels({ device: FCM_TOKEN, pushGateway: 'fcm', channels: ['conv.b', 'conv.a'] });
    await phone.push.addChannels({ device: APNS_TOKEN, pushGateway: 'apns2', topic: TOPIC, environment: 'production', channels: ['conv.a'] });
    expect((await phone.push.listChannels({ device: FCM_TOKEN, pushGateway: 'fcm' })).channels).toEqual(['conv.a', 'conv.b']);
    expect((await phone.push.listChannels({ device: APNS_TOKEN, pushGateway: 'apns2', topic: TOPIC, environment: 'production' })).channels).toEqual(['conv.a']);
    // The same token under another environment is another device.
    expect((await phone.push.listChannels({ device: APNS_TOKEN, pushGateway: 'apns2', topic: TOPIC })).channels).toEqual([]);
    // Paging: after a channel, at most `count`.
    expect((await phone.push.listChannels({ device: FCM_TOKEN, pushGateway: 'fcm', start: 'conv.a', count: 5 })).channels).toEqual(['conv.b']);

    const sender = client(relay, 'alice');
    await sender.publish({ channel: 'conv.a', message: { text: 'no push keys' } });
    expect(relay.pushProviderOutbox(SUB)).toEqual([]);
    const published = await sender.publish({
      channel: 'conv.a',
      message: { body: 'x', pn_fcm: { notification: { title: 'New message' } }, pn_apns: { aps: { alert: 'New message' } } },
    });
    const records = relay.pushProviderOutbox(SUB);
    expect(records).toEqual([
      { provider: 'fcm', token: FCM_TOKEN, channel: 'conv.a', timetoken: String(published.timetoken), payload: { notification: { title: 'New message' } } },
      {
        provider: 'apns',
        token: APNS_TOKEN,
        topic: TOPIC,
        environment: 'production',
        channel: 'conv.a',
        timetoken: String(published.timetoken),
        payload: { aps: { alert: 'New message' } },
      },
    ]);
    // APNs `pn_push` targets select devices by topic and environment, and are not sent on.
    await sender.publish({
      channel: 'conv.a',
      message: { pn_apns: { aps: { alert: 'x' }, pn_push: [{ version: 'v2', targets: [{ topic: 'com.other.app', environment: 'production' }] }] } },
    });
    await sender.publish({
      channel: 'conv.a',
      message: { pn_apns: { aps: { alert: 'y' }, pn_push: [{ version: 'v2', targets: [{ topic: TOPIC, environment: 'production' }] }] } },
    });
    expect(
      relay
        .pushProviderOutbox(SUB)
        .slice(2)
        .map((r) => r.payload),
    ).toEqual([{ aps: { alert: 'y' } }]);
    // A signal is never pushed, nor a publish to a channel without devices.
    await sender.signal({ channel: 'conv.a', message: { pn_fcm: {} } });
    await sender.publish({ channel: 'conv.z', message: { pn_fcm: { notification: { title: 'New message' } } } });
    expect(relay.pushProviderOutbox(SUB)).toHaveLength(3);

    await phone.push.removeChannels({ device: FCM_TOKEN, pushGateway: 'fcm', channels: ['conv.a'] });
    expect((await phone.push.listChannels({ device: FCM_TOKEN, pushGateway: 'fcm' })).channels).toEqual(['conv.b']);
    await phone.push.deleteDevice({ device: APNS_TOKEN, pushGateway: 'apns2', topic: TOPIC, environment: 'production' });
    await sender.publish({ channel: 'conv.a', message: { pn_fcm: { notification: { title: 'New message' } }, pn_apns: { aps: { alert: 'New message' } } } });
    expect(relay.pushProviderOutbox(SUB)).toHaveLength(3);
    await phone.push.deleteDevice({ device: FCM_TOKEN, pushGateway: 'fcm' });
    expect((await phone.push.listChannels({ device: FCM_TOKEN, pushGateway: 'fcm' })).channels).toEqual([]);
  });

  it('refuses bad tokens, types, topics and environments with a clear 400', async () => {
    const relay = await startTestRelay();
    const base = `/v1/push/sub-key/${SUB}/devices`;
    const cases: [string, string][] = [
      [`${base}/bad%20token?type=fcm&add=conv.a&uuid=u`, 'invalid_parameter'],
      [`${base}/${'t'.repeat(513)}?type=fcm&add=conv.a&uuid=u`, 'invalid_parameter'],
      [`${base}/tok?type=gcm&add=conv.a&uuid=u`, 'unsupported_feature'],
      [`${base}/tok?type=apns2&add=conv.a&uuid=u`, 'invalid_parameter'],
      [`${base}/tok?add=conv.a&uuid=u`, 'invalid_parameter'],
      [`${base}/tok?type=fcm&add=conv.a&remove=conv.b&uuid=u`, 'invalid_parameter'],
      [`${base}/tok?type=fcm&add=,&uuid=u`, 'invalid_parameter'],
      [`${base}/tok?type=fcm&add=conv.a-pnpres&uuid=u`, 'invalid_name'],
      [`${base}/tok?type=fcm&count=0&uuid=u`, 'invalid_parameter'],
      [`/v2/push/sub-key/${SUB}/devices-apns2/${APNS_TOKEN}?type=apns2&add=conv.a&uuid=u`, 'invalid_parameter'],
      [`/v2/push/sub-key/${SUB}/devices-apns2/${APNS_TOKEN}?type=apns2&topic=a%20b&add=conv.a&uuid=u`, 'invalid_parameter'],
      [`/v2/push/sub-key/${SUB}/devices-apns2/${APNS_TOKEN}?type=apns2&topic=${TOPIC}&environment=staging&add=conv.a&uuid=u`, 'invalid_parameter'],
    ];
    for (const [path, code] of cases) {
      const answer = await raw(relay, path);
      expect({ path, status: answer.status, code: (answer.body as { code?: string }).code }).toEqual({ path, status: 400, code });
    }
    const phone = client(relay, 'phone');
    expect((await phone.push.listChannels({ device: 'tok', pushGateway: 'fcm' })).channels).toEqual([]);
  });

  it('bounds devices per key and channels per device: past them 507 push_registrations_full, nothing changes', async () => {
    const relay = await startTestRelay({ limits: { pushDevices: 2, pushChannelsPerDevice: 3 } });
    const phone = client(relay, 'phone');
    await phone.push.addChannels({ device: 'tok-1', pushGateway: 'fcm', channels: ['c.1', 'c.2'] });
    await phone.push.addChannels({ device: 'tok-2', pushGateway: 'fcm', channels: ['c.1'] });
    const third = await failure(phone.push.addChannels({ device: 'tok-3', pushGateway: 'fcm', channels: ['c.1'] }));
    expect(third.statusCode).toBe(507);
    expect(third.errorData).toMatchObject({ code: 'push_registrations_full' });
    expect((await phone.push.listChannels({ device: 'tok-3', pushGateway: 'fcm' })).channels).toEqual([]);

    const tooMany = await failure(phone.push.addChannels({ device: 'tok-1', pushGateway: 'fcm', channels: ['c.3', 'c.4'] }));
    expect(tooMany.statusCode).toBe(507);
    expect((await phone.push.listChannels({ device: 'tok-1', pushGateway: 'fcm' })).channels).toEqual(['c.1', 'c.2']);
    // Channels already enabled do not count twice; removing a device makes room.
    await phone.push.addChannels({ device: 'tok-1', pushGateway: 'fcm', channels: ['c.1', 'c.2', 'c.3'] });
    await phone.push.deleteDevice({ device: 'tok-2', pushGateway: 'fcm' });
    await phone.push.addChannels({ device: 'tok-3', pushGateway: 'fcm', channels: ['c.1'] });
    expect((await phone.push.listChannels({ device: 'tok-3', pushGateway: 'fcm' })).channels).toEqual(['c.1']);
  });
});
