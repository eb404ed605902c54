/**
 * Holds the desktop profile's client core (`Client`, src/client) and re-opens it when the device name
 * the user chose at sign-in differs from the one it was opened with. The core takes the key-custody pins of
 * the managed policy as it opens. Everything the renderer can do to
 * the core goes through the IPC handlers built on this host.
 */
import type { AttachmentStore } from '../../node/attachments/store';
import type { AttachmentStoreSetting } from '../../node/attachments/storeChoice';
import { hostname } from 'node:os';
import type { CryptoProvider } from '../../common/crypto/provider';
import { Client, type LocalStoreKey, type OutboxLimits, type Vault } from '../../client';
import type { CustodyMode } from '../../common/api/custodySchemas';
import type { PolicyValues, PushPayload } from '../../common/policy/values';

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
  /** Where file ciphertext goes (docs/desktop.md "Files"); without it files can be neither sent nor saved. */
  attachmentStore?: AttachmentStore | AttachmentStoreSetting;
  /** The managed policy `requirePostQuantum`, read at every wrap (docs/protocol.md §5.1). */
  requirePostQuantum?: () => boolean;
  /**
   * The organisation's key-custody pins from its managed policy (`custodyMode`, `escrowRecipientFingerprint`;
   * docs/deployment.md §2, docs/protocol.md §19), read each time the core opens (start, sign-in).
   */
  custodyPins?: () => CustodyPins;
}

/** What the managed policy pins of key custody, as the client core takes it (`ClientDeps`). */
export interface CustodyPins {
  readonly custodyModePin?: CustodyMode;
  readonly escrowRecipientPin?: string;
}

/** The custody pins of the effective policy: only what it sets. */
export function custodyPinsOf(values: Pick<PolicyValues, 'custodyMode' | 'escrowRecipientFingerprint'>): CustodyPins {
  return {
    ...(values.custodyMode !== null ? { custodyModePin: values.custodyMode } : {}),
    ...(values.escrowRecipientFingerprint !== null ? { escrowRecipientPin: values.escrowRecipientFingerprint } : {}),
  };
}

export class ClientHost {
  private client: Client | undefined;
  private deviceName = hostname().slice(0, 64) || 'Desktop';

  constructor(private readonly deps: ClientHostDeps) {}

  async current(): Promise<Client> {
    if (this.client === undefined) {
      const { custodyPins, ...deps } = this.deps;
      this.client = await Client.open({ ...deps, ...custodyPins?.(), relay: this.deps.relayUrl, deviceName: this.deviceName, platform: 'desktop' });
    }
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
