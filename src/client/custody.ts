/**
 * The organisation's key custody as this device sees it (docs/protocol.md §19, docs/client.md "Key
 * custody"): the mode the key service announces (`GET /v1/custody`), and in escrow mode the recovery
 * recipient every new key version is also wrapped to (src/common/protocol/escrowWrap.ts).
 *
 * The recipient is pinned. Its fingerprint comes from the managed policy when the organisation deploys one
 * (`managedFingerprint`: any other recipient is refused, whatever the key service says), else the first
 * recipient this profile meets is pinned (trust on first use) and kept across zero-trust periods. A recipient
 * that differs from the pin is never wrapped to: `escrowWrapFor` throws `escrow_recipient_changed` (rotation
 * stops, as the key service refuses versions without the wrap) and `status()` carries the warning with
 * both fingerprints until the user accepts the new one (`acceptRecipient`). So a key service that swaps in
 * a recipient of its own is detected and gets nothing (test/custody/escrow_attacks_are_refused.test.ts).
 *
 * Server-trusted mode (§19.4) is pinned too, never learned on first use: this device takes a key version
 * the key service made only when the organisation's managed policy names server-trusted custody
 * (`managedMode`) or the user accepted it on this device (`acceptServerKeys`, only while the key service
 * announces that mode and no managed policy names another). Otherwise `assertServerKeysAccepted` throws
 * `server_key_refused` and `status().serverKeys` says why, so the user is told instead of reading under a
 * key the server chose (test/custody/server_trusted_keys_need_this_devices_consent.test.ts).
 *
 * A managed policy that names a mode (`managedMode`, the `custodyMode` policy setting) is also checked
 * against the mode the key service announces: when they differ, `status().policyMismatch` names both and
 * no escrow wrap is made unless the policy names escrow (`escrowWrapFor` throws `custody_mode_mismatch`),
 * so a key service cannot turn on escrow for a device whose organisation pinned another mode
 * (test/main/desktop_custody_pinned_by_managed_policy.test.ts).
 */
import type { CustodyMode, CustodyView } from '../common/api/custodySchemas';
import type { CryptoProvider } from '../common/crypto/provider';
import { fromBase64Url } from '../common/encoding/base64url';
import { AppError } from '../common/errors';
import { escrowFingerprint, sealEscrowWrap, type EscrowWrap } from '../common/protocol/escrowWrap';
import { KeyServiceError } from './errors';
import type { KeyServiceApi } from './keyServiceApi';

/** What this profile pinned. */
export interface CustodyPin {
  /** The recipient pinned last (kept when the organisation goes back to zero-trust), null before any. */
  readonly fingerprint: string | null;
  /** A different recipient the key service now names; wrapping is stopped until it is accepted. */
  readonly changedTo: string | null;
  /** The mode seen last. */
  readonly mode: CustodyMode;
  /** The user accepted server-trusted custody on this device (§19.4): keys the key service makes are taken. */
  readonly serverTrusted?: boolean;
}

export interface CustodyPinStore {
  get(): CustodyPin | undefined;
  set(pin: CustodyPin): void;
}

/** What a user is shown. */
export interface CustodyStatus {
  readonly mode: CustodyMode;
  /** The recipient's fingerprint in escrow mode (the pinned one when it changed), else null. */
  readonly fingerprint: string | null;
  /** Set while the key service names another recipient than the pinned one. */
  readonly recipientChanged: { readonly pinned: string; readonly served: string } | null;
  /** The fingerprint comes from the organisation's managed policy. */
  readonly managed: boolean;
  /**
   * Keys the key service makes (server-trusted custody, §19.4): `accepted` — this device takes them (the
   * conversation is marked "server-managed keys"); `ask` — the organisation uses them and the user has not
   * accepted them on this device; `refused` — the managed policy names another mode, so this device never
   * takes them; null — not in server-trusted mode and never accepted.
   */
  readonly serverKeys: 'accepted' | 'ask' | 'refused' | null;
  /** The managed policy names another custody mode than the key service announces (shown as a warning). */
  readonly policyMismatch: { readonly policy: CustodyMode; readonly served: CustodyMode } | null;
}

export class EscrowRecipientChangedError extends AppError {
  constructor(
    readonly pinned: string,
    readonly served: string,
  ) {
    super(
      'escrow_recipient_changed',
      `the key service names another organisation recovery recipient (${served.slice(0, 12)}…) than the one this device pinned (${pinned.slice(0, 12)}…); nothing is wrapped to it until you accept it`,
    );
  }
}

export class EscrowRecipientInvalidError extends AppError {
  constructor(message: string) {
    super('escrow_recipient_invalid', message);
  }
}

const REFUSALS = {
  managed_policy: "the key service made this conversation's key, and your organisation's policy on this device allows only keys made by member devices",
  not_accepted:
    "the key service made this conversation's key; this device takes such keys only after you accept that your organisation's server can read your conversations",
  not_announced: 'the key service does not announce server-trusted custody, so there is nothing to accept',
} as const;

/** This device does not take key versions the key service made (docs/protocol.md §19.4). */
export class ServerKeyRefusedError extends AppError {
  constructor(why: 'not_accepted' | 'managed_policy' | 'not_announced') {
    super('server_key_refused', REFUSALS[why], 'permission');
  }
}

const MODE_NAMES: Record<CustodyMode, string> = { 'zero-trust': 'zero-trust', escrow: 'escrow (organisation recovery)', 'server-trusted': 'server-managed' };

/** The managed policy names another custody mode than the key service announces; nothing is wrapped to a recovery key. */
export class CustodyModeMismatchError extends AppError {
  constructor(
    readonly policy: CustodyMode,
    readonly served: CustodyMode,
  ) {
    super(
      'custody_mode_mismatch',
      `your organisation's policy on this device names ${MODE_NAMES[policy]} key custody, but the key service announces ${MODE_NAMES[served]} custody; no key is shared with a recovery key until they agree, so ask your IT department`,
      'permission',
    );
  }
}

export class Custody {
  private served: { view: CustodyView; publicKey: Uint8Array | null } | undefined;

  constructor(
    private readonly api: KeyServiceApi,
    private readonly provider: CryptoProvider,
    private readonly pins: CustodyPinStore,
    private readonly opts: {
      /** The recipient fingerprint from the organisation's managed policy, if any. */
      readonly managedFingerprint?: string;
      /** The custody mode the organisation's managed policy names for this device, if any (§19.4). */
      readonly managedMode?: CustodyMode;
      /** Called when this device learns the organisation went into escrow or (accepted) server-trusted mode: rotate what is pending. */
      readonly onModeLearned?: () => Promise<unknown>;
    } = {},
  ) {}

  /**
   * Asks the key service for the custody state, checks the recipient against the pin, and answers the
   * status. `rotate: false` (a rotation under way re-reads) does not start the pending rotations.
   */
  async refresh(opts: { rotate?: boolean } = {}): Promise<CustodyStatus> {
    const view = await this.api.request('getCustody').catch((err: unknown): CustodyView => {
      // A key service from before custody modes has no such route: it is a zero-trust one.
      if (err instanceof KeyServiceError && err.status === 404 && err.code === 'not_found') return { mode: 'zero-trust', recipient: null, changedAt: 0 };
      throw err;
    });
    let publicKey: Uint8Array | null = null;
    if (view.mode === 'escrow') {
      if (view.recipient === null) throw new EscrowRecipientInvalidError('the key service announces escrow mode without a recipient');
      publicKey = fromBase64Url(view.recipient.publicKey);
      if ((await escrowFingerprint(this.provider, publicKey)) !== view.recipient.fingerprint)
        throw new EscrowRecipientInvalidError("the escrow recipient's fingerprint does not match its public key");
    }
    const before = this.pins.get();
    const served = view.recipient?.fingerprint ?? null;
    let fingerprint = before?.fingerprint ?? null;
    let changedTo: string | null = null;
    if (served !== null) {
      const pinned = this.opts.managedFingerprint ?? fingerprint;
      if (pinned === null) fingerprint = served;
      else if (pinned !== served) changedTo = served;
      else fingerprint = served;
    }
    this.pins.set({ fingerprint, changedTo, mode: view.mode, ...(before?.serverTrusted === true ? { serverTrusted: true } : {}) });
    this.served = { view, publicKey };
    const learned =
      (view.mode === 'escrow' && before?.mode !== 'escrow' && changedTo === null && this.policyAllows('escrow')) ||
      (view.mode === 'server-trusted' && before?.mode !== 'server-trusted' && this.serverKeysAccepted());
    if (opts.rotate !== false && learned) await this.opts.onModeLearned?.();
    return this.status()!;
  }

  /** The status from the last `refresh`, or undefined before it. */
  status(): CustodyStatus | undefined {
    if (this.served === undefined) return undefined;
    const pin = this.pins.get();
    const mode = this.served.view.mode;
    const pinned = this.opts.managedFingerprint ?? pin?.fingerprint ?? null;
    const changed = mode === 'escrow' && pin?.changedTo != null && pinned !== null ? { pinned, served: pin.changedTo } : null;
    return {
      mode,
      fingerprint: mode === 'escrow' ? pinned : null,
      recipientChanged: changed,
      managed: this.opts.managedFingerprint !== undefined || this.opts.managedMode !== undefined,
      serverKeys: this.serverKeysAccepted() ? 'accepted' : mode !== 'server-trusted' ? null : this.opts.managedMode !== undefined ? 'refused' : 'ask',
      policyMismatch: this.policyAllows(mode) ? null : { policy: this.opts.managedMode!, served: mode },
    };
  }

  /** Whether the managed policy (if any) names `mode`. */
  private policyAllows(mode: CustodyMode): boolean {
    return this.opts.managedMode === undefined || this.opts.managedMode === mode;
  }

  /** Whether this device takes key versions the key service made: the managed policy's mode, else the user's acceptance. */
  serverKeysAccepted(): boolean {
    if (this.opts.managedMode !== undefined) return this.opts.managedMode === 'server-trusted';
    return this.pins.get()?.serverTrusted === true;
  }

  /** Throws `server_key_refused` unless this device takes key versions the key service made. */
  assertServerKeysAccepted(): void {
    if (!this.serverKeysAccepted()) throw new ServerKeyRefusedError(this.opts.managedMode !== undefined ? 'managed_policy' : 'not_accepted');
  }

  /**
   * The user accepts, on this device, that the key service makes the keys of the organisation's
   * conversations (and so can read them). Only while the key service announces server-trusted mode, and
   * never against a managed policy naming another mode. Rotates what is pending.
   */
  async acceptServerKeys(): Promise<CustodyStatus> {
    if (this.opts.managedMode !== undefined && this.opts.managedMode !== 'server-trusted') throw new ServerKeyRefusedError('managed_policy');
    const status = await this.refresh({ rotate: false });
    if (status.mode !== 'server-trusted') throw new ServerKeyRefusedError('not_announced');
    const pin = this.pins.get();
    this.pins.set({ fingerprint: pin?.fingerprint ?? null, changedTo: pin?.changedTo ?? null, mode: status.mode, serverTrusted: true });
    await this.opts.onModeLearned?.();
    return this.status()!;
  }

  /** The mode the key service announced last (asked now when never asked). */
  async mode(): Promise<CustodyMode> {
    if (this.served === undefined) await this.refresh({ rotate: false });
    return this.served!.view.mode;
  }

  /** The user accepts the recipient the key service names now (never possible against a managed pin). */
  acceptRecipient(fingerprint: string): CustodyStatus {
    const pin = this.pins.get();
    if (this.opts.managedFingerprint !== undefined) throw new EscrowRecipientChangedError(this.opts.managedFingerprint, fingerprint);
    if (pin?.changedTo !== fingerprint || this.served?.view.recipient?.fingerprint !== fingerprint)
      throw new EscrowRecipientInvalidError('that is not the recipient the key service names now');
    this.pins.set({ ...pin, fingerprint, changedTo: null });
    return this.status()!;
  }

  /**
   * The escrow wrap of a new key version, or undefined in zero-trust mode. Throws `escrow_recipient_changed`
   * when the served recipient is not the pinned one, `custody_mode_mismatch` when the managed policy names
   * another mode than escrow.
   */
  async escrowWrapFor(conversationId: string, version: number, key: Uint8Array): Promise<EscrowWrap | undefined> {
    if (this.served === undefined) await this.refresh({ rotate: false });
    const served = this.served!;
    if (served.view.mode !== 'escrow' || served.publicKey === null) return undefined;
    if (!this.policyAllows('escrow')) throw new CustodyModeMismatchError(this.opts.managedMode!, 'escrow');
    const status = this.status()!;
    if (status.recipientChanged !== null) throw new EscrowRecipientChangedError(status.recipientChanged.pinned, status.recipientChanged.served);
    return sealEscrowWrap(this.provider, { conversationId, version, recipientPublicKey: served.publicKey, key });
  }
}
