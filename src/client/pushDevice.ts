/**
 * A phone's Mobile Push registration through the real SDK's `push.*` (docs/messaging.md "Push for mobile";
 * the relay side: docs/relay.md "Mobile Push"): enable a device token (FCM, or APNs HTTP/2 with the app's
 * topic and environment) on conversation channels, list them, remove the device. Access Manager lets a
 * token enable only channels it may read. Refusals come back as `PushDeviceError` with a stable code.
 */
import type PubNub from 'pubnub';
import { z } from 'zod';
import { AppError } from '../common/errors';
import { classifyFailure } from '../common/messaging/transport';

export const PushDeviceSchema = z.discriminatedUnion('gateway', [
  z.strictObject({ gateway: z.literal('fcm'), token: z.string().regex(/^[A-Za-z0-9:_.=+-]{1,512}$/) }),
  z.strictObject({
    gateway: z.literal('apns2'),
    token: z.string().regex(/^[A-Za-z0-9:_.=+-]{1,512}$/),
    topic: z.string().regex(/^[A-Za-z0-9._-]{1,255}$/),
    environment: z.enum(['development', 'production']),
  }),
]);
/** A push device: an FCM token, or an APNs token with the app's topic (bundle id) and environment. */
export type PushDevice = z.infer<typeof PushDeviceSchema>;

export type PushDeviceErrorCode = 'push_device_invalid' | 'push_access_denied' | 'push_unavailable' | 'push_refused';

export class PushDeviceError extends AppError {
  constructor(
    override readonly code: PushDeviceErrorCode,
    message: string,
  ) {
    super(
      code,
      message,
      code === 'push_device_invalid' || code === 'push_refused' ? 'validation' : code === 'push_access_denied' ? 'permission' : 'unavailable',
    );
  }
}

/** Parses a device from untrusted input; `push_device_invalid` names what is wrong. */
export function parsePushDevice(input: unknown): PushDevice {
  const parsed = PushDeviceSchema.safeParse(input);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  throw new PushDeviceError(
    'push_device_invalid',
    `the push device is not valid: ${issue ? `${issue.path.join('.') || 'device'}: ${issue.message}` : 'invalid'}`,
  );
}

type PushTarget = { device: string; pushGateway: 'fcm' } | { device: string; pushGateway: 'apns2'; topic: string; environment: 'development' | 'production' };

function target(device: PushDevice): PushTarget {
  return device.gateway === 'fcm'
    ? { device: device.token, pushGateway: 'fcm' }
    : { device: device.token, pushGateway: 'apns2', topic: device.topic, environment: device.environment };
}

async function viaSdk<T>(what: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (err) {
    const failure = classifyFailure(err);
    if (failure.code === 'access_denied') throw new PushDeviceError('push_access_denied', `${what}: this device may not use those conversations for push`);
    if (failure.code === 'network') throw new PushDeviceError('push_unavailable', `${what}: ${failure.message}`);
    throw new PushDeviceError('push_refused', `${what}: ${failure.message}`);
  }
}

export async function addPushChannels(pubnub: PubNub, device: PushDevice, channels: readonly string[]): Promise<void> {
  if (channels.length === 0) return;
  await viaSdk('push registration', () => pubnub.push.addChannels({ ...target(device), channels: [...channels] }));
}

export async function listPushChannels(pubnub: PubNub, device: PushDevice): Promise<string[]> {
  return (await viaSdk('push listing', () => pubnub.push.listChannels(target(device)))).channels;
}

export async function deletePushDevice(pubnub: PubNub, device: PushDevice): Promise<void> {
  await viaSdk('push removal', () => pubnub.push.deleteDevice(target(device)));
}
