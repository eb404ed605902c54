/**
 * Holds the desktop profile's client core (`Client`, src/client) and re-opens it when the device name
 * the user chose at sign-in differs from the one it was opened with. Everything the renderer can do to
 * the core goes through the IPC handlers built on this host.
 */
import { hostname } from 'node:os';
import type { CryptoProvider } from '../../common/crypto/provider';
import { Client, type LocalStoreKey, type OutboxLimits, type Vault } from '../../client';
import type { PushPayload } from '../../common/policy/values';

export interface ClientHostDeps {
  vault: Vault;
  provider: CryptoProvider;
  keyServiceUrl: string;
  /** Relay/PubNub origin for the core's own control-notice subscription, as `http://host:port`. */
  relayUrl: string;
  dataDir: string;
  /** The local store's key in the keychain: every message main opens is kept in the profile's encrypted store. */
  localStoreKey?: LocalStoreKey;
  /** Bounds of the offline send queue, and the delays between its tries (`[]`: only when asked); defaults otherwise. */
  outboxLimits?: OutboxLimits;
  outboxRetryDelaysMs?: readonly number[];
  /** The managed policy `pushPayload`, read at every seal (docs/messaging.md "Push for mobile"). */
  pushPayload?: () => PushPayload;
}

export class ClientHost {
  private client: Client | undefined;
  private deviceName = hostname().slice(0, 64) || 'Desktop';

  constructor(private readonly deps: ClientHostDeps) {}

  async current(): Promise<Client> {
    this.client ??= await Client.open({ ...this.deps, relay: this.deps.relayUrl, deviceName: this.deviceName, platform: 'desktop' });
    return this.client;
  }

  /** The client to sign in with, opened under the device name the user chose. */
  async forSignIn(deviceName: string): Promise<Client> {
    if (deviceName !== this.deviceName) {
      await this.client?.close();
      this.client = undefined;
      this.deviceName = deviceName;
    }
    return this.current();
  }

  get currentDeviceName(): string {
    return this.deviceName;
  }

  async close(): Promise<void> {
    await this.client?.close();
    this.client = undefined;
  }
}
