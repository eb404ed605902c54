/**
 * The stand-in for APNs and FCM (docs/relay.md, "Mobile Push"): the relay never contacts Apple or Google.
 * When a published message carries `pn_fcm` / `pn_apns` (PubNub's Mobile Push payload keys) and devices are
 * enabled on its channel, it records here what PubNub would hand each provider for each device, so tests
 * and the local demo can see exactly what a push provider would learn. A bounded in-memory log per
 * subscribe key (oldest dropped first), read only through `RunningRelay.pushProviderOutbox` — never over HTTP.
 *
 * Selection follows PubNub's documented behaviour: an FCM device gets the `pn_fcm` object; an APNs (HTTP/2)
 * device gets `pn_apns` without its `pn_push` configuration, when `pn_push` is absent or names a `v2` target
 * with the device's topic and environment.
 */
import type { PushDevice, PushRegistry } from './registry';

/** One notification the relay would have sent to a push provider. */
export interface PushProviderRecord {
  readonly provider: 'fcm' | 'apns';
  readonly token: string;
  /** APNs only: the app's topic (bundle id) and environment the device registered with. */
  readonly topic?: string;
  readonly environment?: string;
  readonly channel: string;
  /** The timetoken of the publish that triggered it. */
  readonly timetoken: string;
  /** What the provider would receive (the `pn_fcm` object, or `pn_apns` without `pn_push`). */
  readonly payload: Readonly<Record<string, unknown>>;
}

type JsonObject = Record<string, unknown>;

function isObject(value: unknown): value is JsonObject {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** Whether `pn_push` (absent, or a list of `{version, targets}`) names this APNs device. */
function apnsTargets(pnPush: unknown, topic: string, environment: string): boolean {
  if (pnPush === undefined) return true;
  if (!Array.isArray(pnPush)) return false;
  return pnPush.some(
    (config) =>
      isObject(config) &&
      config.version === 'v2' &&
      Array.isArray(config.targets) &&
      config.targets.some((t) => isObject(t) && t.topic === topic && (t.environment ?? 'development') === environment),
  );
}

function payloadFor(device: PushDevice, message: JsonObject): JsonObject | undefined {
  if (device.gateway === 'fcm') return isObject(message.pn_fcm) ? message.pn_fcm : undefined;
  const apns = message.pn_apns;
  if (!isObject(apns) || !apnsTargets(apns.pn_push, device.topic, device.environment)) return undefined;
  const { pn_push: _config, ...payload } = apns;
  return payload;
}

export class PushProviderOutbox {
  private readonly logs = new Map<string, PushProviderRecord[]>();

  constructor(
    private readonly registry: PushRegistry,
    private readonly maxPerKey: number,
  ) {}

  /** After a publish: records what each device enabled on the channel would be sent. */
  published(subKey: string, channel: string, timetoken: string, messageJson: string): void {
    if (!messageJson.includes('"pn_')) return;
    const devices = this.registry.devicesOn(subKey, channel);
    if (devices.length === 0) return;
    const message: unknown = JSON.parse(messageJson);
    if (!isObject(message)) return;
    for (const device of devices) {
      const payload = payloadFor(device, message);
      if (payload === undefined) continue;
      this.append(subKey, {
        provider: device.gateway === 'fcm' ? 'fcm' : 'apns',
        token: device.token,
        ...(device.gateway === 'apns2' ? { topic: device.topic, environment: device.environment } : {}),
        channel,
        timetoken,
        payload,
      });
    }
  }

  /** The recorded notifications of a subscribe key, oldest first. */
  records(subKey: string): readonly PushProviderRecord[] {
    return [...(this.logs.get(subKey) ?? [])];
  }

  private append(subKey: string, record: PushProviderRecord): void {
    const log = this.logs.get(subKey) ?? [];
    log.push(record);
    if (log.length > this.maxPerKey) log.splice(0, log.length - this.maxPerKey);
    this.logs.set(subKey, log);
  }
}
