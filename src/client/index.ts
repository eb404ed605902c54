/**
 * The client layer's one public entry (docs/architecture.md, docs/client.md). The desktop shell
 * (`src/main`), the CLI (`src/cli`) and the benchmarks import the client core only from here; the lint
 * rule `layers/imports` refuses a deeper import. Tests may reach inside to test one module alone.
 *
 * Nothing exported here hands out key material: the facade's results are ids, names, versions, codes and
 * pipeline objects.
 */

// The facade and what its methods answer.
export { Client, type ClientDeps, type SessionInfo, type DeviceInfo, type AccountSession, type MembershipEvent } from './client';
export type { ConversationInfo, ConversationMember } from './conversations';
export type { AssignableRole, ConversationKind, HistoryPolicy, Role } from '../common/domain';
export type { PublicUser } from './directory';
export type { ContactCodeCheck, ContactTrust } from './verification';
export type { LinkClaim, LinkOffer } from './deviceLinking';
export type { SignInCredential, SsoToken } from './sso';
export type { AccountResetRequest } from '../common/api/recoverySchemas';
export type { CoreMessageCrypto, PresenceOpenOutcome } from './messageCrypto';
export { CorePresenceCrypto } from './presenceCrypto';

// Where the device's secrets live.
export {
  createKeychainStoreKey,
  LocalStore,
  LocalStoreFailedError,
  LocalStoreLockedError,
  MIGRATIONS,
  STORE_KEY_ACCOUNT,
  type LocalStoreKey,
  type StoredMessage,
  type StoredOutcome,
  type TextPlaintext,
} from './store';
export { STORE_FILE } from './store/localHistory';
export { PostQuantumRequiredError, type PostQuantumStatus } from './postQuantum';
// Message search over the local store (docs/client.md "Search").
export { fold, indexText, parseSearchQuery, SearchQueryError, SearchScopeError, type SearchHit } from './store';
export { DEFAULT_OUTBOX_LIMITS, OutboxFullError, type OutboxEntry, type OutboxLimits } from './store';
// Reactions and read receipts kept with stored messages (docs/client.md "Reactions and receipts").
export { AnnotationRefusedError, MAX_ACTIONS_PER_MESSAGE, type ActionChange, type StoredAction } from './store';
export { OUTBOX_RETRY_DELAYS_MS } from './client';
export type { OutboxChange } from './outboxSender';
export type { UploadSource } from './attachments/uploadFile';
export { advanceExpiryClockForTests, type ExpiredMessage } from './store/expiry';
export { createKeychainVault, InMemoryVaultForTests, VaultCorruptError, type Vault, type VaultSecrets } from './vault';
export {
  createKeytarStore,
  keychainBackendName,
  keychainServiceName,
  InvalidProfileError,
  KeychainUnavailableError,
  InvalidSecretNameError,
  type SecretStore,
} from './keychain/keychain';

// Broadcast channels (docs/broadcast.md).
export type { BroadcastChannelView, BroadcastMessageView, BroadcastService } from './broadcast/broadcastService';
export { cutOffReader } from './broadcastRevocation';

// Typed failures callers branch on.
export {
  KeyServiceError,
  KeyServiceUnreachableError,
  KeyServiceTimeoutError,
  ClientClosedError,
  NotSignedInError,
  AlreadySignedInError,
  KeysMissingError,
  IdentityChangedError,
  NotFoundError,
  InvalidInputError,
  DeviceLinkError,
  RotationConflictError,
  MembershipUnmigratedError,
  RevocationUnprovenError,
  ResetWaitsHereError,
  NoResetHereError,
} from './errors';
export { NeedsLinkError } from './enrol';

// Lower-level pieces for tools that simulate many devices in one process (the benchmarks): the typed
// key-service client (docs/client.md), first-device certification, a device's challenge proof and the
// profile's non-secret state. An app has no use for them.
export { KeyServiceApi, DEFAULT_KEY_SERVICE_TIMEOUT_MS, type KeyServiceAnswer, type KeyServiceApiOptions, type TokenPair } from './keyServiceApi';
export { certifyAndRegister } from './enrol';
export { proveDevice } from './deviceSession';
export { ProfileState } from './profileState';
export { isTemporary } from './transport';
export { PushDeviceError, parsePushDevice, type PushDevice, type PushDeviceErrorCode } from './pushDevice';
export { LOOKUP_USERS } from './directoryLookup';
