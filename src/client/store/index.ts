/** The local message store of the client core (docs/client.md "Local store"). */
export { LocalStore, MIGRATIONS, type PageQuery, type StoredMessage, type StoredOutcome, type TextPlaintext } from './localStore';
export { createKeychainStoreKey, STORE_KEY_ACCOUNT, type LocalStoreKey } from './storeKey';
export { LocalStoreFailedError, LocalStoreLockedError } from './errors';
export { LocalHistory } from './localHistory';
export { advanceExpiryClockForTests, type ExpiredMessage } from './expiry';
export type { Snapshot, SnapshotName } from './snapshots';
