/**
 * `push register|list|unregister` (docs/client.md, "CLI"; docs/messaging.md "Push for mobile"): the CLI
 * acting as a phone — it enables a push device token (FCM, or APNs HTTP/2 with the app's topic) on the
 * profile's conversations through the real SDK's Mobile Push calls, lists them, removes the device.
 */
import { parsePushDevice, type Client, type PushDevice } from '../../client';
import type { CliArgs } from '../args';
import { UsageError } from '../errors';
import type { Output } from '../output';

const USAGE = 'push register|list|unregister --token T --type fcm|apns2 [--topic BUNDLE_ID] [--environment development|production]';

function deviceOf(args: CliArgs): PushDevice {
  const { token, type, topic, environment } = args.flags;
  if (token === undefined || type === undefined) throw new UsageError(`push needs --token and --type; ${USAGE}`);
  if (type === 'fcm') {
    if (topic !== undefined || environment !== undefined) throw new UsageError('--topic and --environment are for --type apns2 only');
    return parsePushDevice({ gateway: 'fcm', token });
  }
  if (type === 'apns2') {
    if (topic === undefined) throw new UsageError('--type apns2 needs --topic (the app bundle id)');
    return parsePushDevice({ gateway: 'apns2', token, topic, environment: environment ?? 'development' });
  }
  throw new UsageError('--type is fcm or apns2');
}

export async function push(client: Client, args: CliArgs, out: Output): Promise<void> {
  const [action] = args.rest;
  if (action !== 'register' && action !== 'list' && action !== 'unregister') throw new UsageError(USAGE);
  const device = deviceOf(args);
  if (action === 'register') {
    const conversationIds = await client.registerPushDevice(device);
    out.result({ registered: true, conversationIds }, `push device registered on ${conversationIds.length} conversation(s)`);
  } else if (action === 'list') {
    const conversationIds = await client.pushDeviceConversations(device);
    out.result({ conversationIds }, conversationIds.length > 0 ? conversationIds : ['the push device is on no conversation']);
  } else {
    await client.unregisterPushDevice(device);
    out.result({ unregistered: true }, 'push device removed');
  }
}
