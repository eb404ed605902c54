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
 * a recipient of its own is detected and gets nothing (test/custody/a_swapped_escrow_recipient_is_detected.test.ts).
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

export class Custody {
  private served: { view: CustodyView; publicKey: Uint8Array | null } | undefined;

  constructor(
    private readonly api: KeyServiceApi,
    private readonly provider: CryptoProvider,
    private readonly pins: CustodyPinStore,
    private readonly opts: {
      /** The recipient fingerprint from the organisation's managed policy, if any. */
      readonly managedFingerprint?: string;
      /** Called when this device learns the organisation went into escrow mode (rotate what is pending). */
      readonly onEscrowLearned?: () => Promise<unknown>;
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
    this.pins.set({ fingerprint, changedTo, mode: view.mode });
    this.served = { view, publicKey };
    if (opts.rotate !== false && view.mode === 'escrow' && before?.mode !== 'escrow' && changedTo === null) await this.opts.onEscrowLearned?.();
    return this.status()!;
  }

  /** The status from the last `refresh`, or undefined before it. */
  status(): CustodyStatus | undefined {
    if (this.served === undefined) return undefined;
    const pin = this.pins.get();
    const mode = this.served.view.mode;
    const pinned = this.opts.managedFingerprint ?? pin?.fingerprint ?? null;
    const changed = mode === 'escrow' && pin?.changedTo != null && pinned !== null ? { pinned, served: pin.changedTo } : null;
    return { mode, fingerprint: mode === 'escrow' ? pinned : null, recipientChanged: changed, managed: this.opts.managedFingerprint !== undefined };
  }

  /** The user accepts the recipient the key service names now (never possible against a managed pin). */
  acceptRecipient(fingerprint: string): CustodyStatus {
    const pin = this.pins.get();
    if (this.opts.managedFingerprint !== undefined) throw new EscrowRecipientChangedError(this.opts.managedFingerprint, fingerprint);
    if (pin?.changedTo !== fingerprint || this.served?.view.recipient?.fingerprint !== fingerprint)
      throw new EscrowRecipientInvalidError('that is not the recipient the key service names now');
    this.pins.set({ fingerprint, changedTo: null, mode: pin.mode });
    return this.status()!;
  }

  /**
   * The escrow wrap of a new key version, or undefined in zero-trust mode. Throws `escrow_recipient_changed`
   * when the served recipient is not the pinned one.
   */
  async escrowWrapFor(conversationId: string, version: number, key: Uint8Array): Promise<EscrowWrap | undefined> {
    if (this.served === undefined) await this.refresh({ rotate: false });
    const served = this.served!;
    if (served.view.mode !== 'escrow' || served.publicKey === null) return undefined;
    const status = this.status()!;
    if (status.recipientChanged !== null) throw new EscrowRecipientChangedError(status.recipientChanged.pinned, status.recipientChanged.served);
    return sealEscrowWrap(this.provider, { conversationId, version, recipientPublicKey: served.publicKey, key });
  }
}
