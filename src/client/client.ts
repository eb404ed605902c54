/**
 * The client core facade (docs/client.md): one `Client` per profile, created with injected dependencies (vault,
 * key-service URL, relay origin, crypto provider, profile data dir). It runs in Electron's main process and,
 * unchanged, in the CLI; it owns every private key and its results never carry key material. Methods are
 * coarse: sign-in, devices and linking, conversations, messaging (the pipeline of src/common/messaging over
 * this device's `MessageCrypto`), contact verification, and broadcast channels (docs/broadcast.md §8.1).
 */
import { z } from 'zod';
import type { ControlNotice } from '../common/controlNotices';
import type { CryptoProvider } from '../common/crypto/provider';
import { Emitter } from '../common/events/emitter';
import type { AssignableRole, ConversationKind, HistoryPolicy } from '../common/domain';
import { UserIdSchema, type ConversationId, type DeviceId, type MessageId, type UserId } from '../common/ids';
import type { ChatState } from '../common/messaging/ports';
import type { Messaging } from '../common/messaging/messaging';
import type { DevicePlatform } from '../common/protocol/deviceCertificate';
import type { MembershipChange } from '../common/protocol/membershipStatement';
import { expiresAt, timerChanges, type DisappearingSeconds } from '../common/protocol/disappearing';
import type { BroadcastService } from './broadcast/broadcastService';
import { accountDevices, searchDirectory, type DeviceInfo } from './accountDevices';
import { changeAccountPassword, endAccountSession, endOtherAccountSessions, listAccountSessions, type AccountSession } from './accountSessions';
import { openBroadcast, type BroadcastSession } from './broadcastAccess';
import type { ConversationInfo } from './conversations';
import { ClientMessaging } from './clientMessaging';
import { buildSignedIn, type SignedIn } from './signedIn';
import type { CustodyStatus } from './custody';
import type { CustodyMode } from '../common/api/custodySchemas';
import { NewDeviceLink, type LinkClaim } from './deviceLinking';
import { readSignInOptions, sessionWithoutDevice, ssoAccount, type SignInCredential, type SsoToken } from './sso';
import type { SignInOptions } from '../common/api/oidcSchemas';
import type { PublicUser } from './directory';
import { loginAccount, registerAccount, type Identity } from './enrol';
import { proveOwnRevocation, revokeWithStatement } from './deviceRevocations';
import { proveDevice } from './deviceSession';
import { restoreAccount } from './recovery/restore';
import { finishAccountReset, requestAccountReset, RESET_ABANDONED_CODES } from './recovery/reset';
import type { AccountResetRequest } from '../common/api/recoverySchemas';
import type { RestoreOutcome } from './recovery/keyBackup';
import { wipeRecoveryKeys } from '../common/protocol/recovery';
import {
  AlreadySignedInError,
  KeyServiceError,
  KeysMissingError,
  NoResetHereError,
  NotSignedInError,
  ReauthenticationMismatchError,
  ResetWaitsHereError,
  RevocationUnprovenError,
} from './errors';
import { KeyServiceApi } from './keyServiceApi';
import { AppError } from '../common/errors';
import { ConversationViewSchema } from '../common/api/conversationSchemas';
import type { CoreMessageCrypto } from './messageCrypto';
import { StockMessages } from './stockMessages';
import { ProfileState } from './profileState';
import {
  LocalHistory,
  LocalStoreFailedError,
  type ExpiredMessage,
  type LocalStoreKey,
  type OutboxEntry,
  type OutboxLimits,
  type PageQuery,
  type StoredMessage,
  type TextPlaintext,
  type ActionChange,
  type StoredAction,
} from './store';
import { expiryNow } from './store/expiry';
import { parseSearchQuery, searchScope, SearchScopeError, type MembershipSnapshot, type MessageSearch, type SearchHit } from './store/search';
import { OutboxSender, type OutboxChange } from './outboxSender';
import { isTemporary, transportConfig } from './transport';
import { addPushChannels, deletePushDevice, listPushChannels, parsePushDevice, type PushDevice } from './pushDevice';
import { CONVERSATION_PREFIX, conversationPubnubChannel } from '../common/pubnubChannels';
import type { PushPayload } from '../common/policy/values';
import type { Vault } from './vault';
import type { AttachmentStore } from '../node/attachments/store';
import type { AttachmentStoreSetting } from '../node/attachments/storeChoice';
import { conversationStores } from './attachments/conversationStores';
import { ClientAttachments } from './attachments/clientAttachments';
import { acceptChangedKeyByCode, contactTrust, verifyContact, verifyContactByCode, type ContactCodeCheck, type ContactTrust } from './verification';
import { postQuantumStatus, type PostQuantumStatus } from './postQuantum';

export interface ClientDeps {
  readonly vault: Vault;
  /** e.g. http://127.0.0.1:8080 */
  readonly keyServiceUrl: string;
  /** The relay (or PubNub) origin, e.g. http://127.0.0.1:8090 */
  readonly relay: string;
  readonly provider: CryptoProvider;
  /** The profile's directory for non-secret state. */
  readonly dataDir: string;
  readonly deviceName?: string;
  readonly platform?: DevicePlatform;
  /**
   * The local store's key in the OS keychain (docs/client.md "Local store"). With it, every message main
   * opens is kept in the profile's encrypted `history.db`; without it (the CLI today) nothing is stored.
   */
  readonly localStoreKey?: LocalStoreKey;
  /** How long one key-service request may take; default 15 s (`key_service_timeout` after it). */
  readonly keyServiceTimeoutMs?: number;
  /** Bounds of the offline send queue (docs/client.md "Offline send queue"); default `DEFAULT_OUTBOX_LIMITS`. */
  readonly outboxLimits?: OutboxLimits;
  /** Delays between the queue's tries while the network is out of reach; `[]`: only `flushOutbox()` tries. */
  readonly outboxRetryDelaysMs?: readonly number[];
  /** The organisation's escrow recipient fingerprint from its managed policy (docs/protocol.md §19); any other is refused. */
  readonly escrowRecipientPin?: string;
  /**
   * The custody mode the organisation's managed policy names (docs/protocol.md §19.4): `server-trusted`
   * lets this device take key versions the key service made; any other mode refuses them for good.
   */
  readonly custodyModePin?: CustodyMode;
  /**
   * The managed policy `pushPayload`, read at every seal: `generic` adds the clear Mobile Push part to
   * messages and replies (docs/messaging.md "Push for mobile"); absent or `off`, none.
   */
  readonly pushPayload?: () => PushPayload;
  /**
   * Where the ciphertext of files goes (docs/client.md "Files"): one store for every conversation (the local
   * directory of the embedded stack, an S3-compatible bucket), `pubnub-files` (PubNub Files on each
   * conversation's channel with this core's own token), or a refused configuration whose sentence file
   * operations answer (src/node/attachments/storeChoice.ts). Without it files can be neither sent nor fetched.
   */
  readonly attachmentStore?: AttachmentStore | AttachmentStoreSetting;
  /**
   * The managed policy `requirePostQuantum`, read at every wrap: a rotation or an added member's wraps are
   * refused (`post_quantum_required`) while any device to wrap to has no X-Wing key (docs/protocol.md §5.1).
   */
  readonly requirePostQuantum?: () => boolean;
}

/** Delays between the offline queue's tries while the network is out of reach (the last repeats). */
export const OUTBOX_RETRY_DELAYS_MS = [2_000, 5_000, 10_000, 15_000] as const;

export type { DeviceInfo } from './accountDevices';
export type { AccountSession } from './accountSessions';

/** A person's names as the directory last answered them (for display offline). */
const ContactNameSchema = z.strictObject({ userId: UserIdSchema, username: z.string().max(200), displayName: z.string().max(200) });
export type ContactName = z.infer<typeof ContactNameSchema>;

/** Who is signed in (no key material). */
export interface SessionInfo {
  readonly userId: UserId;
  readonly username: string;
  readonly deviceId: DeviceId;
  readonly deviceName: string;
}

/** One verified membership statement, as the UI shows it (docs/protocol.md §15.1). */
export interface MembershipEvent {
  readonly seq: number;
  /** The actor's clock when it signed (ms). */
  readonly at: number;
  readonly actor: UserId;
  readonly change: MembershipChange;
}

export class Client {
  private readonly api: KeyServiceApi;
  private readonly state: ProfileState;
  private account: SignedIn | undefined;
  /** The stock-SDK codec of the signed-in parts it was built for (stockMessages()). */
  private stock: { me: SignedIn; codec: StockMessages } | undefined;
  private readonly chat: ClientMessaging;
  private broadcastSession: Promise<BroadcastSession> | undefined;
  private readonly broadcastChanged = new Emitter<[channelId: string]>();
  private readonly revoked = new Emitter();
  private readonly revocationUnproven = new Emitter<[error: RevocationUnprovenError]>();
  private readonly deactivated = new Emitter<[]>();
  private revocationCheck: Promise<AppError> | undefined;
  private readonly identityChanged = new Emitter<[userId: UserId]>();
  private readonly storeFailed = new Emitter<[error: AppError]>();
  private readonly history: LocalHistory | undefined;
  private files: ClientAttachments | undefined;
  /** The conversations the last `conversations()` listed (search's scope when the key service cannot be asked). */
  private membership: MembershipSnapshot | undefined;
  /** The names `keepContacts` kept (see `keptContacts`). */
  private contactNames: Promise<Map<string, ContactName>> | undefined;
  private readonly outboxSender: OutboxSender | undefined;

  private constructor(private readonly deps: ClientDeps) {
    this.state = new ProfileState(deps.dataDir);
    this.history = deps.localStoreKey === undefined ? undefined : new LocalHistory(deps.dataDir, deps.localStoreKey);
    const history = this.history;
    this.outboxSender =
      history === undefined
        ? undefined
        : new OutboxSender({
            // Signed in only: a timer after sign-out must not open (and so re-create) the erased store.
            outbox: async () => {
              this.need();
              return history.outbox(deps.outboxLimits);
            },
            seal: (conversationId, plaintext) => this.need().crypto.seal(conversationId, plaintext),
            pubnub: () => this.chat.pubnub(this.need()),
            access: (conversationId, renew) => (renew ? this.chat.renewAccess(this.need()) : this.chat.ensureAccess(this.need(), [conversationId])),
            now: () => Date.now(),
            retryDelaysMs: deps.outboxRetryDelaysMs ?? OUTBOX_RETRY_DELAYS_MS,
          });
    this.api = new KeyServiceApi(deps.keyServiceUrl.replace(/\/+$/, ''), {
      onRefreshToken: (token) => deps.vault.saveRefreshToken(token),
      ...(deps.keyServiceTimeoutMs === undefined ? {} : { timeoutMs: deps.keyServiceTimeoutMs }),
    });
    this.chat = new ClientMessaging(this.api, this.state, deps.relay);
    this.api.setRefusalListener((refusal) => {
      if (refusal.code === 'account_deactivated') this.deactivated.fire();
    });
    this.api.setRevocationCheck((refusal) => {
      this.revocationCheck ??= this.checkRevocation(refusal).finally(() => (this.revocationCheck = undefined));
      return this.revocationCheck;
    });
  }

  /**
   * The key service answered `device_revoked` (docs/client.md "Revoked devices"). Believed only with the
   * account's signed statement revoking this very device, verified under this account's own public key:
   * then the device's keys are erased and the `onRevoked` listeners told, and the request fails with the
   * refusal. Without such a statement nothing is erased: the request fails with `revocation_unproven` and
   * the `onRevocationUnproven` listeners hear it.
   */
  private async checkRevocation(refusal: KeyServiceError): Promise<AppError> {
    const me = this.account;
    if (!me) return refusal;
    const { userId, deviceId, account } = me.identity;
    try {
      await proveOwnRevocation(this.api, this.deps.provider, { userId, deviceId, accountPublicKey: account.publicKey });
    } catch (err) {
      const unproven = err instanceof RevocationUnprovenError ? err : new RevocationUnprovenError(String(err));
      this.revocationUnproven.fire(unproven);
      return unproven;
    }
    if (this.account === me) void this.forgetDevice().then(() => this.revoked.fire());
    return refusal;
  }

  /** Opens a profile: signed in when the state names a session and the vault holds its keys. */
  static async open(deps: ClientDeps): Promise<Client> {
    const client = new Client(deps);
    const session = client.state.get().session;
    if (session) {
      const secrets = await deps.vault.load();
      if (!secrets) throw new KeysMissingError('device key');
      client.api.setTokens(null, secrets.refreshToken);
      client.attach({
        ...session,
        userId: session.userId as UserId,
        deviceId: session.deviceId as DeviceId,
        account: secrets.account,
        device: secrets.device,
        refreshToken: secrets.refreshToken,
      });
    } else if (client.state.get().pendingReset) {
      // A reset this profile asked for waits: its asking session is the one to finish it with.
      const secrets = await deps.vault.load();
      if (secrets) client.api.setTokens(null, secrets.refreshToken);
    }
    return client;
  }

  private attach(identity: Identity): SignedIn {
    this.api.setDeviceProof(() =>
      proveDevice(this.api, this.deps.provider, { deviceId: identity.deviceId, signingPrivateKey: identity.device.ed25519.privateKey }),
    );
    this.account = buildSignedIn(this.api, this.deps.provider, this.state, identity, {
      ...(this.deps.escrowRecipientPin !== undefined ? { managedEscrowFingerprint: this.deps.escrowRecipientPin } : {}),
      ...(this.deps.custodyModePin !== undefined ? { managedCustodyMode: this.deps.custodyModePin } : {}),
      ...(this.deps.pushPayload !== undefined ? { pushPayload: this.deps.pushPayload } : {}),
      ...(this.deps.requirePostQuantum !== undefined ? { requirePostQuantum: this.deps.requirePostQuantum } : {}),
    });
    this.account.directory.onIdentityChange((userId) => this.identityChanged.fire(userId as UserId));
    // The store follows the disappearing timers of every chain this device verifies (docs/client.md).
    this.account.membership.onExtended((conversationId, verified) => {
      this.history
        ?.setTimers(conversationId, timerChanges(verified.chain))
        .catch((err: unknown) => console.error(`local store timers: ${err instanceof Error ? err.message : String(err)}`));
    });
    // Messages that expired while the app was closed are deleted now, and the expiry timer starts.
    void this.history?.sweepIfPresent();
    // Key versions this device restored from the key backup come back into the ring (docs/protocol.md §18.5).
    this.account.backup.loadRestoredWraps().catch((err: unknown) => {
      if (!(err instanceof AppError && err.code === 'client_closed'))
        console.error(`restored key versions: ${err instanceof Error ? err.message : String(err)}`);
    });
    return this.account;
  }

  /**
   * The organisation's key custody (docs/protocol.md §19), asked from the key service now: the mode, the
   * pinned escrow recipient's fingerprint and a warning when the key service names another. Learning that
   * the organisation went into escrow mode rotates every conversation marked for rotation.
   */
  custody(): Promise<CustodyStatus> {
    return this.need().custody.refresh();
  }

  /** Accepts the escrow recipient the key service names now, after the user compared its fingerprint. */
  acceptEscrowRecipient(fingerprint: string): CustodyStatus {
    return this.need().custody.acceptRecipient(fingerprint);
  }

  /**
   * The user accepts, on this device, that the organisation's key service makes conversation keys and so
   * can read the conversations (server-trusted custody, docs/protocol.md §19.4); pending rotations follow.
   */
  acceptServerKeys(): Promise<CustodyStatus> {
    return this.need().custody.acceptServerKeys();
  }

  /** `listener` runs when a contact's identity key changed (sending to them is blocked until acknowledged). */
  onIdentityChange(listener: (userId: UserId) => void): () => void {
    return this.identityChanged.event(listener);
  }

  private async signedIn(identity: Identity): Promise<SessionInfo> {
    await this.deps.vault.save({ account: identity.account, device: identity.device, refreshToken: identity.refreshToken });
    this.state.update((s) => {
      s.session = { userId: identity.userId, username: identity.username, deviceId: identity.deviceId, deviceName: identity.deviceName };
    });
    this.attach(identity);
    return this.session();
  }

  private need(): SignedIn {
    if (!this.account) throw new NotSignedInError();
    return this.account;
  }

  private get device(): { deviceName: string; platform: DevicePlatform } {
    return { deviceName: this.deps.deviceName ?? 'CLI', platform: this.deps.platform ?? 'cli' };
  }

  session(): SessionInfo {
    const { identity } = this.need();
    return { userId: identity.userId, username: identity.username, deviceId: identity.deviceId, deviceName: identity.deviceName };
  }

  get isSignedIn(): boolean {
    return this.account !== undefined;
  }

  /** Creates an account with its identity key and this first device. */
  async register(input: { username: string; password: string; displayName?: string }): Promise<SessionInfo> {
    this.assertFresh();
    const identity = await registerAccount(this.api, this.deps.provider, { ...input, displayName: input.displayName ?? input.username, ...this.device });
    return this.signedIn(identity);
  }

  /** Logs in: this profile's device again, or the first device of an account that has none. */
  async login(input: { username: string; password: string }): Promise<SessionInfo> {
    const session = this.state.get().session;
    const secrets = session ? await this.deps.vault.load() : null;
    const existing =
      session && secrets && session.username === input.username.toLowerCase()
        ? { ...session, userId: session.userId as UserId, deviceId: session.deviceId as DeviceId, account: secrets.account, device: secrets.device }
        : null;
    if (session && !existing) throw new AlreadySignedInError(session.username);
    return this.signedIn(await loginAccount(this.api, this.deps.provider, { ...input, ...this.device }, existing));
  }

  /** What the organisation allows before sign-in: methods, registration, its OpenID provider (docs/api.md "Sign-in methods and single sign-on"). */
  signInOptions(): Promise<SignInOptions> {
    return readSignInOptions(this.api);
  }

  /**
   * Signs in with an ID token of the organisation's provider (src/client/sso.ts): this profile's device
   * again, or the first device of an account that has none; an account with devices elsewhere answers a
   * device link to approve on one of them (as `startDeviceLink`).
   */
  async signInWithSso(token: SsoToken): Promise<
    | { kind: 'signedIn'; session: SessionInfo }
    | {
        kind: 'needsLink';
        offer: NewDeviceLink['offer'];
        waitUntilLinked: (onConfirmation: (code: string) => void, opts?: { pollMs?: number; timeoutMs?: number }) => Promise<SessionInfo>;
      }
  > {
    const session = this.state.get().session;
    const secrets = session ? await this.deps.vault.load() : null;
    const existing =
      session && secrets
        ? { ...session, userId: session.userId as UserId, deviceId: session.deviceId as DeviceId, account: secrets.account, device: secrets.device }
        : null;
    if (session && !existing) throw new AlreadySignedInError(session.username);
    const outcome = await ssoAccount(this.api, this.deps.provider, { ...token, ...this.device }, existing);
    if (outcome.kind === 'signedIn') return { kind: 'signedIn', session: await this.signedIn(outcome.identity) };
    const link = outcome.link;
    return {
      kind: 'needsLink',
      offer: link.offer,
      waitUntilLinked: async (onConfirmation, opts) => this.signedIn(await link.waitUntilLinked(onConfirmation, opts)),
    };
  }

  private assertFresh(): void {
    const { session, pendingReset } = this.state.get();
    if (session) throw new AlreadySignedInError(session.username);
    if (pendingReset) throw new ResetWaitsHereError(pendingReset.username);
  }

  /** New device: signs in with the password and opens a link; show `offer.code` / `offer.qrPayload`. */
  async startDeviceLink(input: { username: string; password: string }): Promise<{
    offer: NewDeviceLink['offer'];
    waitUntilLinked: (onConfirmation: (code: string) => void, opts?: { pollMs?: number; timeoutMs?: number }) => Promise<SessionInfo>;
  }> {
    this.assertFresh();
    const link = await NewDeviceLink.start(this.api, this.deps.provider, { ...input, ...this.device });
    return {
      offer: link.offer,
      waitUntilLinked: async (onConfirmation, opts) => this.signedIn(await link.waitUntilLinked(onConfirmation, opts)),
    };
  }

  // ---- Recovery key and key backup (docs/protocol.md §18, docs/client.md "Recovery key") ----

  /**
   * Makes the account's recovery key (or a new one: backup version n+1; the old key stops working) and
   * backs up every key version this device holds. `recoveryKey` is shown to the user once and kept nowhere.
   */
  createRecoveryKey(): Promise<{ recoveryKey: string; backupVersion: number }> {
    return this.need().backup.createRecoveryKey();
  }

  /** The same as `createRecoveryKey`, named for the UI's "replace my recovery key". */
  rotateRecoveryKey(): Promise<{ recoveryKey: string; backupVersion: number }> {
    return this.need().backup.createRecoveryKey();
  }

  /** Checks a typed recovery key against the current backup (`recovery_key_unreadable` / `_outdated` / `_invalid`, `no_recovery_key`); changes nothing. */
  verifyRecoveryKey(typed: string): Promise<{ backupVersion: number }> {
    return this.need().backup.verifyRecoveryKey(typed);
  }

  /** The backup version this device verified, or null when the account has no recovery key. */
  keyBackupVersion(): Promise<number | null> {
    return this.need().backup.backupVersion();
  }

  /** Waits until every key version this device holds is backed up; throws the last backup failure (e.g. `backup_key_changed`). */
  flushKeyBackup(): Promise<void> {
    return this.need().backup.flush();
  }

  /** `listener` hears a background backup that failed (its code for logs; `backup_key_changed` deserves a warning). */
  onKeyBackupError(listener: (error: AppError) => void): () => void {
    return this.need().backup.onError(listener);
  }

  /**
   * A new device of an account whose devices are lost: signs in with the password (or an SSO ID token),
   * opens the account key
   * with the recovery key, enrols this device under it and restores the backed-up conversation keys.
   * A wrong or replaced key fails (`recovery_key_invalid` / `recovery_key_outdated`) and changes nothing.
   */
  async restoreWithRecoveryKey(input: SignInCredential & { recoveryKey: string }): Promise<{ session: SessionInfo } & RestoreOutcome> {
    this.assertFresh();
    const restored = await restoreAccount(this.api, this.deps.provider, { credential: credentialOf(input), recoveryKey: input.recoveryKey, ...this.device });
    let handedOver = false;
    try {
      const session = await this.signedIn(restored.identity);
      const outcome = await this.need().backup.restoreEntries(restored.descriptor, restored.keys);
      // This device holds the recovery key now: an X25519 backup is upgraded to X-Wing in the background
      // (docs/protocol.md §18.10.5), which wipes the keys when done.
      this.need().backup.upgradeInBackground(restored.keys);
      handedOver = true;
      return { session, ...outcome };
    } finally {
      if (!handedOver) wipeRecoveryKeys(restored.keys);
    }
  }

  /**
   * A new device of an account whose devices AND recovery key are lost (docs/protocol.md §18.9): signs in
   * with the password (or an SSO ID token) and asks for a reset to a NEW identity key with this device as
   * its first. With no device of the account signed in it happens at once (`reset`). While one is, it
   * waits (`waiting`): that device is told and may cancel it; this profile keeps the new keys and the
   * asking session, and `finishAccountReset` completes it once the period is over. Contacts then see
   * "identity changed"; old history stays unreadable here; make a new recovery key next.
   */
  async resetAccount(input: SignInCredential): Promise<{ state: 'reset'; session: SessionInfo } | { state: 'waiting'; request: AccountResetRequest }> {
    this.assertFresh();
    const started = await requestAccountReset(this.api, this.deps.provider, { credential: credentialOf(input), ...this.device });
    if (started.state === 'reset') return { state: 'reset', session: await this.afterReset(started.identity, started.previousIdentityKey) };
    const { identity } = started;
    await this.deps.vault.save({ account: identity.account, device: identity.device, refreshToken: identity.refreshToken });
    this.state.update((s) => {
      s.pendingReset = { userId: identity.userId, username: identity.username, deviceId: identity.deviceId, deviceName: identity.deviceName };
    });
    return { state: 'waiting', request: started.request };
  }

  /** The reset this profile asked for and waits for (who, and the device it will be), or null. */
  get waitingReset(): { userId: string; username: string; deviceName: string } | null {
    const pending = this.state.get().pendingReset;
    return pending ? { userId: pending.userId, username: pending.username, deviceName: pending.deviceName } : null;
  }

  /**
   * The account's reset request, if one waits or was cancelled: on a signed-in device what its banner
   * shows (a `waiting` one may be cancelled here), on the profile that asked its time left (`requestedHere`).
   */
  async accountResetRequest(): Promise<AccountResetRequest | null> {
    if (!this.account && !this.state.get().pendingReset) throw new NotSignedInError();
    return (await this.api.request('getAccountReset')).request;
  }

  /** A signed-in device cancels the reset that waits (none: `no_account_reset`); it never happens. */
  async cancelAccountReset(): Promise<AccountResetRequest | null> {
    this.need();
    return (await this.api.request('cancelAccountReset')).request;
  }

  /** `listener` runs when a reset of this account was asked for or cancelled (a control notice): re-read `accountResetRequest`. */
  onAccountResetChanged(listener: () => void): () => void {
    return this.chat.onNotice((notice) => {
      if (notice.type === 'account_reset_changed') listener();
    });
  }

  /**
   * Finishes the reset this profile waits for, once its period is over (`reset_waiting` before, and nothing
   * changes). When it can never finish — a device cancelled it (`reset_cancelled`), the asking session ended,
   * the identity changed meanwhile — the profile forgets it: its keys go and the profile is fresh again.
   */
  async finishAccountReset(): Promise<SessionInfo> {
    const pending = this.state.get().pendingReset;
    if (!pending) throw new NoResetHereError();
    const secrets = await this.deps.vault.load();
    if (!secrets) throw new KeysMissingError('new device key');
    let finished: { accessToken: string; previousIdentityKey: string };
    try {
      finished = await finishAccountReset(this.api);
    } catch (err) {
      if (err instanceof KeyServiceError && RESET_ABANDONED_CODES.has(err.code)) await this.forgetWaitingReset();
      throw err;
    }
    // The refresh token may have rotated while the reset waited (the vault keeps the newest).
    const refreshToken = (await this.deps.vault.load())?.refreshToken ?? secrets.refreshToken;
    this.api.setTokens(finished.accessToken, refreshToken);
    const identity: Identity = {
      userId: pending.userId as UserId,
      username: pending.username,
      deviceId: pending.deviceId as DeviceId,
      deviceName: pending.deviceName,
      account: secrets.account,
      device: secrets.device,
      refreshToken,
    };
    return this.afterReset(identity, finished.previousIdentityKey);
  }

  private async forgetWaitingReset(): Promise<void> {
    await this.api.request('logout').catch(() => undefined);
    this.api.setTokens(null, null);
    await this.deps.vault.clear();
    this.state.update((s) => {
      delete s.pendingReset;
    });
  }

  private afterReset(identity: Identity, previousIdentityKey: string): Promise<SessionInfo> {
    this.state.update((s) => {
      s.retiredOwnKeys = [...new Set([...(s.retiredOwnKeys ?? []), previousIdentityKey])];
      // The reset deleted the key backup: a version this profile saw of the old identity's is no rollback.
      if (s.backupPin?.userId === identity.userId) delete s.backupPin;
      delete s.pendingReset;
    });
    return this.signedIn(identity);
  }

  /**
   * Checks the account password at the key service and keeps nothing: a password-only session is opened on
   * a separate connection and ended at once (the desktop asks for it before minting a recovery key). A wrong
   * password is the key service's `bad_credentials`.
   */
  async checkPassword(password: string): Promise<void> {
    await this.checkSignIn({ username: this.need().identity.username, password });
  }

  /**
   * Checks that the person at this device can sign in to THIS account again — with its password, or with
   * the organisation's single sign-on for an account that has none — and keeps nothing: a password-only
   * session on a separate connection, ended at once. A wrong password is `bad_credentials`; an ID token of
   * another person is `reauthentication_mismatch` (src/client/errors.ts).
   */
  async checkSignIn(credential: SignInCredential): Promise<void> {
    const { identity } = this.need();
    const api = new KeyServiceApi(
      this.deps.keyServiceUrl.replace(/\/+$/, ''),
      this.deps.keyServiceTimeoutMs === undefined ? {} : { timeoutMs: this.deps.keyServiceTimeoutMs },
    );
    try {
      const pair = await sessionWithoutDevice(api, credential);
      await api.request('logout').catch(() => undefined);
      if (pair.user.userId !== identity.userId)
        throw new ReauthenticationMismatchError('You signed in as someone else. Sign in with your own company account to continue.');
    } finally {
      api.close();
    }
  }

  /** Existing device: claims a link by code or QR payload; show the confirmation code to compare. */
  claimDeviceLink(input: string): Promise<LinkClaim> {
    return this.need().approver.claim(input);
  }

  /** Existing device, after the user confirmed the codes match: hands over the identity and re-wraps history. */
  approveDeviceLink(
    linkId: string,
    opts?: { pollMs?: number; timeoutMs?: number; shareHistory?: boolean },
  ): Promise<{ deviceId: DeviceId; wrapsAdded: number }> {
    return this.need().approver.approve(linkId, opts);
  }

  /** Re-wraps every held key version for one of this account's devices (resumes an interrupted link); answers the wraps added. */
  shareHistoryWithDevice(deviceId: DeviceId): Promise<number> {
    return this.need().approver.shareHistoryWith(deviceId);
  }

  /** This account's devices, revoked ones included (with `revokedAt`), certificates verified. */
  devices(): Promise<DeviceInfo[]> {
    const { identity, directory } = this.need();
    return accountDevices(this.api, directory, identity);
  }

  /**
   * Revokes one of this account's devices with a statement signed by the account key (the revoked device
   * verifies it before it erases its keys) and rotates every conversation it could read.
   */
  async revokeDevice(deviceId: DeviceId): Promise<{ rotated: ConversationId[] }> {
    const me = this.need();
    await revokeWithStatement(this.api, this.deps.provider, me.identity, deviceId);
    return { rotated: await me.conversations.rotatePending() };
  }

  /** This account's live key-service sessions, this device's marked `current` (docs/client.md "Sessions"). */
  sessions(): Promise<AccountSession[]> {
    this.need();
    return listAccountSessions(this.api);
  }

  /** Ends one session of this account (another device re-authenticates by itself; a password-only session is gone). */
  endSession(sessionId: string): Promise<void> {
    this.need();
    return endAccountSession(this.api, sessionId);
  }

  /** "Sign out everywhere else": ends every session of this account but this device's; answers how many ended. */
  endOtherSessions(): Promise<number> {
    this.need();
    return endOtherAccountSessions(this.api);
  }

  /** Changes the password (the current one is checked); every other session ends. Answers how many ended. */
  changePassword(currentPassword: string, newPassword: string): Promise<number> {
    this.need();
    return changeAccountPassword(this.api, currentPassword, newPassword);
  }

  /** Directory search by username or display name, for pickers (resolve the chosen one with findUser). */
  searchUsers(term: string): Promise<PublicUser[]> {
    this.need();
    return searchDirectory(this.api, term);
  }

  findUser(nameOrId: string): Promise<PublicUser> {
    return this.need().directory.resolve(nameOrId);
  }

  /**
   * The conversations this user is in, verified (`Conversations.list`). Each verified answer is kept in the
   * local store; while the key service is out of reach (a temporary error) the last kept list answers, so
   * the app lists conversations and reads stored history offline. Without a kept list the error stands.
   */
  conversations(): Promise<ConversationInfo[]> {
    // Not signed in throws at once (not as a rejection), as every other call does.
    return this.listConversations(this.need());
  }

  /**
   * The list the last verified `conversations()` answer kept in the local store, read without the network
   * (empty without a store or a kept list). For a start that paints at once: the caller shows it and then
   * asks `conversations()`, whose verified answer replaces it. It widens nothing: sending, reading and
   * membership still go through the verified paths.
   */
  async keptConversations(): Promise<ConversationInfo[]> {
    this.need();
    if (this.history === undefined) return [];
    const kept = await this.history.loadSnapshot('conversations').catch(() => null);
    const parsed = ConversationViewSchema.array().safeParse(kept?.value);
    return parsed.success ? parsed.data : [];
  }

  private async listConversations(parts: SignedIn): Promise<ConversationInfo[]> {
    let list: ConversationInfo[];
    try {
      list = await parts.conversations.list();
    } catch (err) {
      if (!isTemporary(err) || this.history === undefined) throw err;
      const kept = await this.history.loadSnapshot('conversations').catch(() => null);
      const parsed = ConversationViewSchema.array().safeParse(kept?.value);
      if (!parsed.success) throw err;
      this.membership = { ids: new Set(parsed.data.map((c) => c.conversationId)) };
      return parsed.data;
    }
    this.membership = { ids: new Set(list.map((c) => c.conversationId)) };
    await this.history?.saveSnapshot('conversations', list).catch((err: unknown) => {
      this.storeFailed.fire(err instanceof AppError ? err : new LocalStoreFailedError(String(err)));
    });
    return list;
  }

  conversation(conversationId: ConversationId): Promise<ConversationInfo> {
    return this.need().conversations.get(conversationId);
  }

  /**
   * The conversation's membership history as this device verified it (docs/protocol.md §15): each signed
   * statement — who created, added, removed, left or changed a role, and when by the actor's clock — in
   * chain order. Empty for a conversation older than signed membership that its owner has not migrated.
   * Throws the typed error of a chain that does not verify (as `conversation` does).
   */
  async membershipHistory(conversationId: ConversationId): Promise<MembershipEvent[]> {
    const parts = this.need();
    const info = await parts.conversations.get(conversationId);
    if (info.membershipHead === null) return [];
    const verified = parts.membership.cached(conversationId);
    return (verified?.chain ?? []).map(({ statement }) => ({ seq: statement.seq, at: statement.at, actor: statement.actor, change: statement.change }));
  }

  /** Whether every wrap of the conversation's current key version is post-quantum (X-Wing; docs/protocol.md §5.1). */
  postQuantumStatus(info: Pick<ConversationInfo, 'conversationId' | 'currentVersion'>): Promise<PostQuantumStatus> {
    const parts = this.need();
    return postQuantumStatus(parts.ring, parts.directory, info.conversationId, info.currentVersion);
  }

  /** The conversations the last `conversations()` left out because their membership did not verify, with why. */
  refusedConversations(): { conversationId: ConversationId; error: AppError }[] {
    return this.need().conversations.refused();
  }

  createConversation(input: { kind: ConversationKind; members: readonly UserId[]; name?: string; historyPolicy?: HistoryPolicy }): Promise<ConversationInfo> {
    return this.need().conversations.create(input);
  }

  addMember(conversationId: ConversationId, userId: UserId, role: AssignableRole = 'member'): Promise<ConversationInfo> {
    return this.need().conversations.addMember(conversationId, userId, role);
  }

  removeMember(conversationId: ConversationId, userId: UserId): Promise<ConversationInfo> {
    return this.need().conversations.removeMember(conversationId, userId);
  }

  setMemberRole(conversationId: ConversationId, userId: UserId, role: AssignableRole): Promise<ConversationInfo> {
    return this.need().conversations.setRole(conversationId, userId, role);
  }

  renameConversation(conversationId: ConversationId, name: string): Promise<ConversationInfo> {
    return this.need().conversations.rename(conversationId, name);
  }

  /** Rotates on demand; answers the version now current. */
  rotate(conversationId: ConversationId): Promise<number> {
    return this.need().conversations.rotate(conversationId);
  }

  /** Leaves a conversation; its keys are then evicted from the ring (zeroed). */
  async leave(conversationId: ConversationId): Promise<void> {
    const me = this.need();
    await me.conversations.leave(conversationId);
    this.membership?.ids.delete(conversationId);
    me.ring.forget(conversationId);
  }

  /** This device's MessageCrypto (for a pipeline the host builds itself, e.g. the renderer's via IPC). */
  messageCrypto(): CoreMessageCrypto {
    return this.need().crypto;
  }

  /**
   * Stock-SDK compatibility (docs/protocol.md §8.4): opens and seals unsigned messages in the stock
   * `pubnub` SDK's own format. Whether they are allowed (the `stockSdkCompat` policy) is the host's check.
   */
  stockMessages(): StockMessages {
    const me = this.need();
    if (this.stock?.me !== me) this.stock = { me, codec: new StockMessages(this.deps.provider, me.ring, me.conversations) };
    return this.stock.codec;
  }

  /** Publishes `text` to the conversation in stock format (unsigned); answers the relay's timetoken and the key version used. */
  async sendStock(conversationId: ConversationId, text: string): Promise<{ timetoken: string; keyVersion: number }> {
    const me = this.need();
    await this.chat.ensureAccess(me, [conversationId]);
    return this.stockMessages().send(await this.chat.pubnub(me), conversationId, text);
  }

  /** Files in conversations: send, forward, fetch, thumbnails (docs/client.md "Files"); signed in only. */
  attachments(): ClientAttachments {
    const me = this.need();
    this.files ??= new ClientAttachments({
      provider: this.deps.provider,
      stores: conversationStores(this.deps.attachmentStore, {
        pubnub: () => this.chat.pubnub(me),
        ensureAccess: (conversationId) => this.chat.ensureAccess(me, [conversationId]),
        userId: () => me.identity.userId,
      }),
      history: this.history,
      messaging: () => this.messaging(),
      self: () => me.identity.deviceId,
      onCleanupFailure: (err) => this.storeFailed.fire(err instanceof AppError ? err : new LocalStoreFailedError(String(err))),
    });
    return this.files;
  }

  /**
   * The messaging pipeline over the relay, created once: control notices on the inbox keep keys and
   * access current (key versions prefetched, rotations done, tokens renewed).
   */
  messaging(): Promise<Messaging> {
    return this.chat.messaging(this.need());
  }

  /**
   * PubNub access for a pipeline the host runs elsewhere (the desktop renderer): where to connect and an
   * Access Manager token for exactly this user's channels, fresh from the key service. Not key material. When no token can be had for now
   * (the key service or PubNub unreachable: a temporary error) and an earlier token named the keyset, the
   * answer has `token: null`: the pipeline starts, shows stored history, and fetches a token once the
   * relay refuses it (docs/client.md "Local store").
   */
  async transportAccess(): Promise<{ origin: string; ssl: boolean; publishKey: string; subscribeKey: string; userId: UserId; token: string | null }> {
    const { identity } = this.need();
    const config = transportConfig(this.deps.relay);
    let token;
    try {
      token = await this.api.request('getPubnubToken');
    } catch (err) {
      const known = this.state.get().pubnubKeys;
      if (known === undefined || !isTemporary(err)) throw err;
      return { ...config, ...known, userId: identity.userId, token: null };
    }
    const known = this.state.get().pubnubKeys;
    if (known?.publishKey !== token.publishKey || known.subscribeKey !== token.subscribeKey)
      this.state.update((s) => {
        s.pubnubKeys = { publishKey: token.publishKey, subscribeKey: token.subscribeKey };
      });
    return { ...config, publishKey: token.publishKey, subscribeKey: token.subscribeKey, userId: identity.userId, token: token.token };
  }

  /** Makes sure the transport token covers these conversations (after creating or joining one). */
  ensureAccess(conversationIds: readonly ConversationId[]): Promise<void> {
    return this.chat.ensureAccess(this.need(), conversationIds);
  }

  /** Control notices after the core has acted on them (e.g. to join a conversation one was added to). */
  onNotice(listener: (notice: ControlNotice) => void): () => void {
    return this.chat.onNotice(listener);
  }

  /**
   * How many unrevoked devices with verified certificates the conversation's other members have (one
   * directory request): the devices a key version is wrapped to besides this user's. 0: nobody else can
   * read what is sent now.
   */
  async otherMemberDevices(conversationId: ConversationId): Promise<number> {
    const me = this.need();
    const info = await me.conversations.get(conversationId);
    const others = info.members.map((m) => m.userId).filter((u) => u !== me.identity.userId);
    if (others.length === 0) return 0;
    const byUser = await me.directory.devicesOfMany(others);
    return [...byUser.values()].reduce((n, devices) => n + devices.length, 0);
  }

  /** Whether a contact is new to this user: met within the last week and not verified (no network). */
  isNewContact(userId: UserId): boolean {
    return this.need().directory.isNewContact(userId);
  }

  contactTrust(userId: UserId): Promise<ContactTrust> {
    const me = this.need();
    return contactTrust(this.deps.provider, me.directory, { userId: me.identity.userId, accountKey: me.identity.account.publicKey }, userId);
  }

  verifyContact(userId: UserId, scannedQr?: string): Promise<ContactTrust> {
    const me = this.need();
    return verifyContact(this.deps.provider, me.directory, { userId: me.identity.userId, accountKey: me.identity.account.publicKey }, userId, scannedQr);
  }

  /** Marks verified only when `typed`, read from the contact's screen, matches their pinned key (docs/protocol.md §10.1). */
  verifyContactByCode(userId: UserId, typed: string): Promise<{ check: ContactCodeCheck; trust: ContactTrust }> {
    const me = this.need();
    return verifyContactByCode(this.deps.provider, me.directory, { userId: me.identity.userId, accountKey: me.identity.account.publicKey }, userId, typed);
  }

  /** Accepts a changed identity key only when `typed`, read from the contact's screen, matches the new key (§10.1). */
  acceptChangedKeyByCode(userId: UserId, typed: string): Promise<{ check: ContactCodeCheck; trust: ContactTrust }> {
    const me = this.need();
    return acceptChangedKeyByCode(this.deps.provider, me.directory, { userId: me.identity.userId, accountKey: me.identity.account.publicKey }, userId, typed);
  }

  acknowledgeIdentityChange(userId: UserId): Promise<ContactTrust> {
    this.need().directory.acknowledgeChange(userId);
    return this.contactTrust(userId);
  }

  /**
   * Broadcast channels (docs/broadcast.md §8.1), created once per signed-in session over this device's
   * certified keys and a PubNub instance holding the broadcast token. `onChange`, when given, is kept (a
   * set: passing the same function again adds nothing) and told the id of every channel whose view changes.
   */
  async broadcast(onChange?: (channelId: string) => void): Promise<BroadcastService> {
    const me = this.need();
    if (onChange) this.broadcastChanged.event(onChange);
    const notify = (id: string) => this.broadcastChanged.fire(id);
    this.broadcastSession ??= openBroadcast(
      this.api,
      this.deps.provider,
      me.identity,
      (userId) => me.directory.trustedAccountKey(userId),
      transportConfig(this.deps.relay),
      notify,
      this.deps.dataDir,
    ).catch((err: unknown) => {
      this.broadcastSession = undefined;
      throw err;
    });
    return (await this.broadcastSession).service;
  }

  /**
   * Signs this device out for good ("unlink"): the key service revokes the device (its sessions end, its
   * conversations rotate before anyone sends again, its PubNub access is revoked), then its keys are
   * deleted from the OS keychain and its local state is cleared. Signing in again registers a new device.
   */
  async signOut(): Promise<void> {
    const { identity } = this.need();
    await revokeWithStatement(this.api, this.deps.provider, identity, identity.deviceId);
    await this.forgetDevice();
  }

  /**
   * Keeps opened envelopes in the local store (docs/client.md "Local store"); nothing without a store key.
   * Signed in only: a signed-out profile has no store.
   */
  async storeOpened(messages: readonly StoredMessage[]): Promise<void> {
    const me = this.need();
    if (this.history === undefined) return;
    // The disappearing timers must be known before storing: a conversation not verified this session is
    // read (and its chain verified) first, so a message that already expired is never stored. Offline, the
    // timers the store holds from before apply.
    for (const conversationId of new Set(messages.map((m) => m.conversationId))) {
      if (me.membership.cached(conversationId) === undefined) await me.conversations.get(conversationId).catch(() => undefined);
    }
    await this.history.put(messages);
  }

  /** Sets a conversation's disappearing-messages timer (a signed statement; owners and admins; docs/protocol.md §15.8). */
  setDisappearingTimer(conversationId: ConversationId, seconds: DisappearingSeconds): Promise<ConversationInfo> {
    return this.need().conversations.setDisappearing(conversationId, seconds);
  }

  /** Whether a message has already disappeared by the timers of the chain this device verified (docs/protocol.md §15.8). */
  hasExpired(conversationId: ConversationId, timetoken: string | undefined, sentAt: number): boolean {
    const verified = this.need().membership.cached(conversationId);
    if (verified === undefined) return false;
    const at = expiresAt(timerChanges(verified.chain), timetoken, sentAt);
    return at !== null && at <= expiryNow();
  }

  /** `listener` hears the stored messages deleted because they expired (to drop them from every view). */
  onMessagesExpired(listener: (messages: readonly ExpiredMessage[]) => void): () => void {
    return this.history?.onExpired(listener) ?? (() => undefined);
  }

  /**
   * Keeps the names of people in this user's conversations (no keys) in the local store, so they show by
   * name offline (`keptContact`). Merged into what was kept before.
   */
  async keepContacts(contacts: readonly ContactName[]): Promise<void> {
    this.need();
    if (this.history === undefined || contacts.length === 0) return;
    const kept = await this.keptContacts();
    for (const c of contacts) kept.set(c.userId, { userId: c.userId, username: c.username, displayName: c.displayName });
    await this.history.saveSnapshot('contacts', [...kept.values()]).catch((err: unknown) => {
      this.storeFailed.fire(err instanceof AppError ? err : new LocalStoreFailedError(String(err)));
    });
  }

  /** A kept name (`keepContacts`), or null. For display only: it never stands in for a directory answer that carries keys. */
  async keptContact(userId: string): Promise<ContactName | null> {
    this.need();
    return (await this.keptContacts()).get(userId) ?? null;
  }

  /** The kept names, read from the store once per sign-in and then kept up to date in memory. */
  private keptContacts(): Promise<Map<string, ContactName>> {
    this.contactNames ??= (async () => {
      const kept = await this.history?.loadSnapshot('contacts').catch(() => null);
      const parsed = ContactNameSchema.array().safeParse(kept?.value);
      return new Map(parsed.success ? parsed.data.map((c) => [c.userId, c]) : []);
    })();
    return this.contactNames;
  }

  /** A page of a conversation's stored messages, oldest first: the newest `limit` before `before`. */
  async storedHistory(conversationId: ConversationId, query: PageQuery): Promise<StoredMessage[]> {
    this.need();
    return (await this.history?.page(conversationId, query)) ?? [];
  }

  /**
   * Full-text search of the stored history (docs/client.md "Search"), newest first, only in conversations
   * this user belongs to now (the key service's verified list, or the last one when it cannot be reached):
   * a conversation left or removed from gives nothing, and naming one is `search_not_member`.
   */
  async searchMessages(query: string, options: MessageSearch): Promise<SearchHit[]> {
    this.need();
    parseSearchQuery(query);
    const scope = await searchScope(options.conversationId, () => this.conversations().then(() => this.membership!), this.membership);
    return (await this.history?.search(query, { conversationIds: scope, limit: options.limit })) ?? [];
  }

  /** The stored messages around one (jump to a search hit), oldest first; only in a conversation this user belongs to. */
  async storedAround(conversationId: ConversationId, timetoken: string, limit: number): Promise<StoredMessage[]> {
    this.need();
    await searchScope(conversationId, () => this.conversations().then(() => this.membership!), this.membership);
    return (await this.history?.around(conversationId, timetoken, limit)) ?? [];
  }

  /**
   * Keeps reactions and read receipts of stored messages (docs/client.md "Reactions and receipts"), only in a
   * conversation this user belongs to (`annotation_not_member` otherwise; the last verified list counts, the
   * key service is asked when it does not hold the conversation). A bad batch is `annotation_refused`; either
   * way nothing is written. Answers how many changes were kept (none for messages the store does not hold).
   */
  async storeActions(conversationId: ConversationId, changes: readonly ActionChange[]): Promise<number> {
    this.need();
    if (this.membership?.ids.has(conversationId) !== true) {
      try {
        await searchScope(conversationId, () => this.conversations().then(() => this.membership!), this.membership);
      } catch (err) {
        if (err instanceof SearchScopeError)
          throw new AppError('annotation_not_member', `you are not a member of conversation ${conversationId}`, 'permission');
        throw err;
      }
    }
    return (await this.history?.putActions(conversationId, changes)) ?? 0;
  }

  /** Deletes a message on this device only (docs/client.md "Edits and deletes"): its text leaves the store. */
  async deleteForMe(conversationId: ConversationId, messageId: MessageId): Promise<void> {
    this.need();
    await this.history?.hideForMe(conversationId, messageId);
  }

  /**
   * Keeps the composer's unsent text of a conversation in the encrypted local store (docs/client.md
   * "Drafts"); an empty text deletes it. Only for a conversation this device knows (`draft_unknown_conversation`,
   * nothing kept): a draft can be deleted for any id.
   */
  async saveDraft(conversationId: ConversationId, text: string): Promise<void> {
    this.need();
    if (text !== '' && this.state.get().membershipPins?.[conversationId] === undefined)
      throw new AppError('draft_unknown_conversation', `this device knows no conversation ${conversationId}; no draft was kept`, 'not_found');
    await this.history?.saveDraft(conversationId, text);
  }

  /** The kept drafts, newest first (none without a store). */
  async drafts(): Promise<{ conversationId: ConversationId; text: string }[]> {
    this.need();
    return ((await this.history?.drafts()) ?? []).map(({ conversationId, text }) => ({ conversationId, text }));
  }

  /** What edits and deletes did to some stored messages (message id → state; only those with one). */
  async chatStates(conversationId: ConversationId, ids: readonly MessageId[]): Promise<Map<MessageId, ChatState>> {
    this.need();
    return (await this.history?.chatStates(conversationId, ids)) ?? new Map();
  }

  /** The stored versions of an edited message, oldest (the original) first, with their author. */
  async messageVersions(conversationId: ConversationId, messageId: MessageId): Promise<{ id: string; sentAt: number; text: string; author: UserId }[]> {
    this.need();
    return (await this.history?.versions(conversationId, messageId)) ?? [];
  }

  /** The stored reactions and receipts (kept and removed) of some stored messages of a conversation. */
  async storedActions(conversationId: ConversationId, timetokens: readonly string[]): Promise<StoredAction[]> {
    this.need();
    return (await this.history?.actions(conversationId, timetokens)) ?? [];
  }

  /**
   * Queues a message for sending (docs/client.md "Offline send queue"): kept as plaintext in the encrypted
   * local store, sealed when it goes out with the key version current then, in order per conversation. A
   * send is tried at once; while the relay or the key service is out of reach it waits and is tried again.
   * `outbox_full`, `outbox_duplicate` and `outbox_unknown_conversation` queue nothing.
   */
  async queueMessage(conversationId: ConversationId, plaintext: TextPlaintext): Promise<OutboxEntry> {
    const outbox = await this.outbox();
    if (this.state.get().membershipPins?.[conversationId] === undefined)
      throw new AppError('outbox_unknown_conversation', `this device knows no conversation ${conversationId}; nothing was queued`, 'not_found');
    const entry = outbox.add(conversationId, plaintext, Date.now());
    void this.flushOutbox().catch(() => undefined);
    return entry;
  }

  /** The queued and stopped sends of a conversation (every conversation's when absent), in send order. */
  async outboxEntries(conversationId?: ConversationId): Promise<OutboxEntry[]> {
    return (await this.outbox()).list(conversationId);
  }

  /** Puts a stopped send back in the queue and tries the queue. */
  async retryQueued(conversationId: ConversationId, messageId: MessageId): Promise<void> {
    (await this.outbox()).requeue(conversationId, messageId);
    void this.flushOutbox().catch(() => undefined);
  }

  /** Deletes a queued or stopped send (it never goes out). */
  async deleteQueued(conversationId: ConversationId, messageId: MessageId): Promise<void> {
    (await this.outbox()).remove(messageId, conversationId);
  }

  /** Tries the queue now (the network came back); resolves when every waiting entry has been tried. */
  async flushOutbox(): Promise<void> {
    this.need();
    await this.outboxSender?.flush();
  }

  /** `listener` hears what each try of the queue did: entries delivered, and whether some still wait. */
  onOutboxChange(listener: (change: OutboxChange) => void): () => void {
    return this.outboxSender?.onChange(listener) ?? (() => undefined);
  }

  /**
   * Makes this profile a phone for Mobile Push (docs/messaging.md "Push for mobile"): enables the device on
   * the channels of every conversation it is in now, through the SDK with this device's token. Answers the
   * conversations enabled. Conversations joined later need another call.
   */
  async registerPushDevice(device: PushDevice): Promise<ConversationId[]> {
    const checked = parsePushDevice(device);
    const me = this.need();
    const ids = (await this.conversations()).map((c) => c.conversationId);
    await this.chat.ensureAccess(me, ids);
    await addPushChannels(await this.chat.pubnub(me), checked, ids.map(conversationPubnubChannel));
    return ids;
  }

  /** The conversations a push device is enabled on (as far as this device's token may read). */
  async pushDeviceConversations(device: PushDevice): Promise<ConversationId[]> {
    const checked = parsePushDevice(device);
    const channels = await listPushChannels(await this.chat.pubnub(this.need()), checked);
    return channels.filter((c) => c.startsWith(CONVERSATION_PREFIX)).map((c) => c.slice(CONVERSATION_PREFIX.length) as ConversationId);
  }

  /** Removes a push device: no more pushes for it from any conversation this device's token may read. */
  async unregisterPushDevice(device: PushDevice): Promise<void> {
    const checked = parsePushDevice(device);
    await deletePushDevice(await this.chat.pubnub(this.need()), checked);
  }

  private async outbox() {
    this.need();
    if (this.history === undefined) throw new AppError('outbox_unavailable', 'this client keeps no local store, so it has no send queue', 'unavailable');
    return this.history.outbox(this.deps.outboxLimits);
  }

  /**
   * Asks the key service whether this device may still act; a device revoked from another one learns it
   * here (or on any other call) and — once the account's revocation statement verifies — forgets its keys
   * and local state and tells the `onRevoked` listeners. An unproven claim fails with `revocation_unproven`.
   */
  async checkAccess(): Promise<void> {
    this.need();
    await this.api.request('getMe');
  }

  /** `listener` runs after this device learned it was revoked (a verified statement) and erased its keys. */
  onRevoked(listener: () => void): () => void {
    return this.revoked.event(listener);
  }

  /** `listener` runs when the local store could not keep something the client did not need to fail for (a snapshot). */
  onStoreFailed(listener: (error: AppError) => void): () => void {
    return this.storeFailed.event(listener);
  }

  /**
   * `listener` runs when the key service answers `account_deactivated`: the organisation deactivated this
   * account (docs/operations.md "Offboarding and the admin CLI"). Nothing is erased — the organisation is not
   * the account — but no request will succeed until it is reactivated.
   */
  onDeactivated(listener: () => void): () => void {
    return this.deactivated.event(listener);
  }

  /** `listener` runs when the key service claimed this device was revoked but proved nothing; the keys were kept. */
  onRevocationUnproven(listener: (error: RevocationUnprovenError) => void): () => void {
    return this.revocationUnproven.event(listener);
  }

  /** Deletes this device's keys from the OS keychain and clears its local state (sign-out, revocation). */
  private async forgetDevice(): Promise<void> {
    const account = this.account;
    this.account = undefined;
    this.membership = undefined;
    this.contactNames = undefined;
    this.outboxSender?.pause();
    this.api.setDeviceProof(null);
    await this.stop();
    account?.ring.close();
    await this.deps.vault.clear();
    this.state.update((s) => {
      s.session = null;
      s.cursors = {};
      delete s.pubnubKeys;
    });
    // The local store and its keychain item go too: nothing this device read stays readable on it.
    await this.history?.erase();
  }

  /**
   * Closes the client for good: key-service requests in flight fail with `client_closed` (and new ones
   * are refused), then the pipeline, the transport, broadcast and every timer stop.
   */
  async close(): Promise<void> {
    this.outboxSender?.close();
    this.api.close();
    await this.stop();
    await this.history?.close();
  }

  /** Stops the pipeline, the transport, broadcast and every timer; the client can sign in again. */
  private async stop(): Promise<void> {
    this.files?.dispose();
    this.files = undefined;
    const broadcast = this.broadcastSession;
    this.broadcastSession = undefined;
    this.broadcastChanged.clear();
    (await broadcast?.catch(() => undefined))?.close();
    await this.chat.close();
    this.account?.backup.close();
    this.account?.ring.close();
    this.state.flush();
  }
}

/** Only the credential's own fields (a caller's object may carry more, such as the recovery key). */
function credentialOf(input: SignInCredential): SignInCredential {
  return 'sso' in input ? { sso: input.sso } : { username: input.username, password: input.password };
}
