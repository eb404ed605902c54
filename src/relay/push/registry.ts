/**
 * Mobile Push device registrations (docs/pubnub-wire.md §2, "Mobile Push"; docs/relay.md, "Mobile Push"):
 * per subscribe key, which push devices (an FCM token, or an APNs token with its topic and environment) are
 * enabled on which channels. In memory and bounded: devices per subscribe key, channels per device.
 * Registrations are not kept across a relay restart (phones register again when they start).
 */
import { PushLimitError } from '../errors';

export type PushGateway = 'fcm' | 'apns2';
export type ApnsEnvironment = 'development' | 'production';

/** One push device: its gateway, token and — for APNs — the app's topic (bundle id) and environment. */
export type PushDevice =
  | { readonly gateway: 'fcm'; readonly token: string }
  | { readonly gateway: 'apns2'; readonly token: string; readonly topic: string; readonly environment: ApnsEnvironment };

export interface PushBounds {
  readonly devicesPerKey: number;
  readonly channelsPerDevice: number;
}

interface Entry {
  readonly device: PushDevice;
  readonly channels: Set<string>;
}

function deviceKey(d: PushDevice): string {
  return d.gateway === 'fcm' ? `fcm\n${d.token}` : `apns2\n${d.environment}\n${d.topic}\n${d.token}`;
}

export class PushRegistry {
  /** subKey → device key → entry. */
  private readonly devices = new Map<string, Map<string, Entry>>();
  /** subKey → channel → device keys. */
  private readonly byChannel = new Map<string, Map<string, Set<string>>>();

  constructor(private readonly bounds: PushBounds) {}

  /** Enables the device on the channels; refused whole (nothing changes) past a bound. */
  add(subKey: string, device: PushDevice, channels: readonly string[]): void {
    const devices = this.devices.get(subKey) ?? new Map<string, Entry>();
    const key = deviceKey(device);
    const entry = devices.get(key);
    if (entry === undefined && devices.size >= this.bounds.devicesPerKey) {
      throw new PushLimitError(`The relay holds its most push devices for this key (${this.bounds.devicesPerKey}); remove one first`);
    }
    const current = entry?.channels ?? new Set<string>();
    const added = channels.filter((c) => !current.has(c));
    if (current.size + added.length > this.bounds.channelsPerDevice) {
      throw new PushLimitError(`A push device may be enabled on at most ${this.bounds.channelsPerDevice} channels`);
    }
    const stored = entry ?? { device, channels: current };
    devices.set(key, stored);
    this.devices.set(subKey, devices);
    const index = this.byChannel.get(subKey) ?? new Map<string, Set<string>>();
    this.byChannel.set(subKey, index);
    for (const channel of added) {
      stored.channels.add(channel);
      const keys = index.get(channel) ?? new Set<string>();
      keys.add(key);
      index.set(channel, keys);
    }
  }

  /** Disables the device on the channels (those it is not enabled on are ignored). */
  remove(subKey: string, device: PushDevice, channels: readonly string[]): void {
    const key = deviceKey(device);
    const entry = this.devices.get(subKey)?.get(key);
    if (entry === undefined) return;
    const index = this.byChannel.get(subKey);
    for (const channel of channels) {
      if (!entry.channels.delete(channel)) continue;
      const keys = index?.get(channel);
      keys?.delete(key);
      if (keys?.size === 0) index?.delete(channel);
    }
    if (entry.channels.size === 0) this.devices.get(subKey)?.delete(key);
  }

  /** The device's channels, sorted. */
  channels(subKey: string, device: PushDevice): string[] {
    return [...(this.devices.get(subKey)?.get(deviceKey(device))?.channels ?? [])].sort();
  }

  /** The devices enabled on a channel. */
  devicesOn(subKey: string, channel: string): PushDevice[] {
    const devices = this.devices.get(subKey);
    const keys = this.byChannel.get(subKey)?.get(channel);
    if (devices === undefined || keys === undefined) return [];
    return [...keys].flatMap((k) => {
      const entry = devices.get(k);
      return entry === undefined ? [] : [entry.device];
    });
  }
}
