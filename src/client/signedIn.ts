/**
 * The signed-in parts of the client core (docs/client.md, "Modules"), wired for one identity: directory
 * (pinned keys, certificates), key ring, conversation operations, the `MessageCrypto` port and the
 * device-link approver. Built once per sign-in by the `Client` facade; the identity's keys stay inside
 * these objects.
 */
import type { CryptoProvider } from '../common/crypto/provider';
import { Conversations } from './conversations';
import type { CustodyMode } from '../common/api/custodySchemas';
import { Custody } from './custody';
import { LinkApprover } from './deviceLinking';
import { Directory } from './directory';
import type { Identity } from './enrol';
import { KeyRing } from './keyRing';
import { serverKeySource } from './serverKeys';
import type { KeyServiceApi } from './keyServiceApi';
import { CoreMessageCrypto } from './messageCrypto';
import type { PushPayload } from '../common/policy/values';
import { genericPushMetadata } from '../common/protocol/genericPush';
import type { ProfileState } from './profileState';
import { MembershipLog } from './membershipLog';
import { KeyBackup } from './recovery/keyBackup';
import type { ConversationId } from '../common/ids';
import { MemberMismatchError } from '../common/protocol/errors';
import { MembershipForkError } from '../common/protocol/membershipChain';
import type { PublicKeyVersionRecord } from '../common/protocol/keyVersionRecord';

export interface SignedIn {
  readonly identity: Identity;
  readonly directory: Directory;
  readonly ring: KeyRing;
  readonly conversations: Conversations;
  readonly crypto: CoreMessageCrypto;
  readonly approver: LinkApprover;
  readonly membership: MembershipLog;
  /** Backs up each key version this device holds to the account's key backup (docs/protocol.md §18). */
  readonly backup: KeyBackup;
  /** The organisation's custody mode and pinned escrow recipient (docs/protocol.md §19). */
  readonly custody: Custody;
}

export function buildSignedIn(
  api: KeyServiceApi,
  provider: CryptoProvider,
  state: ProfileState,
  identity: Identity,
  opts: { managedEscrowFingerprint?: string; managedCustodyMode?: CustodyMode; pushPayload?: () => PushPayload; requirePostQuantum?: () => boolean } = {},
): SignedIn {
  const directory = new Directory(api, provider, state, { userId: identity.userId, accountKey: identity.account.publicKey });
  const log = new MembershipLog(api, provider, directory, state);
  const ringDevice = {
    deviceId: identity.deviceId,
    x25519PrivateKey: identity.device.x25519.privateKey,
    x25519PublicKey: identity.device.x25519.publicKey,
    ...(identity.device.xwing ? { xwingPrivateKey: identity.device.xwing.privateKey } : {}),
  };
  const ring = new KeyRing(
    api,
    provider,
    directory,
    ringDevice,
    (conversationId, record) => allowedMembers(api, log, conversationId, record),
    // Versions the key service made (docs/protocol.md §19.4), taken only with this device's consent.
    serverKeySource(api, provider, ringDevice, () => custody),
  );
  const signing = { userId: identity.userId, deviceId: identity.deviceId, ed25519PrivateKey: identity.device.ed25519.privateKey };
  const custody: Custody = new Custody(
    api,
    provider,
    {
      get: () => state.get().custodyPin,
      set: (pin) =>
        state.update((s) => {
          s.custodyPin = { ...pin };
        }),
    },
    {
      ...(opts.managedEscrowFingerprint !== undefined ? { managedFingerprint: opts.managedEscrowFingerprint } : {}),
      ...(opts.managedCustodyMode !== undefined ? { managedMode: opts.managedCustodyMode } : {}),
      // The key service marks every conversation for rotation when the mode changes; rotate them now.
      // Versions that waited for the user to accept server-made keys are fetched now.
      onModeLearned: (): Promise<unknown> => {
        ring.retryAwaitingConsent();
        return conversations.rotatePending();
      },
    },
  );
  const conversations: Conversations = new Conversations(api, provider, directory, ring, signing, log, custody, opts.requirePostQuantum);
  const crypto = new CoreMessageCrypto(provider, ring, directory, conversations, signing, log, (conversationId) =>
    opts.pushPayload?.() === 'generic' ? genericPushMetadata(conversationId) : {},
  );
  const approver = new LinkApprover(
    api,
    provider,
    {
      userId: identity.userId,
      deviceId: identity.deviceId,
      ed25519PublicKey: identity.device.ed25519.publicKey,
      accountPrivateKey: identity.account.privateKey,
    },
    directory,
    ring,
    conversations,
  );
  const backup = new KeyBackup(api, provider, identity, ring, conversations, {
    get: () => {
      const pin = state.get().backupPin;
      return pin?.userId === identity.userId ? pin.backupVersion : 0;
    },
    set: (backupVersion) =>
      state.update((s) => {
        s.backupPin = { userId: identity.userId, backupVersion };
      }),
    restored: () => state.get().restoredDevice === identity.deviceId,
    markRestored: () =>
      state.update((s) => {
        s.restoredDevice = identity.deviceId;
      }),
  });
  return { identity, directory, ring, conversations, crypto, approver, membership: log, backup, custody };
}

/**
 * Who a key version may wrap to (docs/protocol.md §15.5): the members at the membership head its record
 * names, which must be on the chain this device verified (`membership_fork` otherwise). A record without a
 * head is accepted in a conversation made before chains existed (its current members, as before), and in a
 * migrated one only when it predates the migrated genesis — history, never a key to send under.
 */
async function allowedMembers(
  api: KeyServiceApi,
  log: MembershipLog,
  conversationId: ConversationId,
  record: PublicKeyVersionRecord,
): Promise<ReadonlySet<string> | undefined> {
  const where = `key version ${record.version} of ${conversationId}`;
  if (record.membership !== undefined) {
    const at = await log.stateAt(conversationId, record.membership);
    if (at === undefined) throw new MembershipForkError(`${where} names membership head ${record.membership.seq}, which is not on the verified chain`);
    return new Set(at.members.keys());
  }
  const info = await api.request('getConversation', { params: { conversationId } });
  const verified = await log.upTo(conversationId, info.membershipHead);
  if (verified === null) return info.currentVersion === record.version && !info.needsRotation ? new Set(info.members.map((m) => m.userId)) : undefined;
  const genesis = verified.chain[0]?.statement;
  if (genesis?.change.type === 'create' && genesis.change.migrated === true && record.createdAt <= genesis.at) return undefined;
  throw new MemberMismatchError(`${where} names no membership head, but the conversation has a signed membership chain`);
}
