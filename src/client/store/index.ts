/** The local message store of the client core (docs/client.md "Local store"). */
export { LocalStore, MIGRATIONS, type PageQuery, type StoredMessage, type StoredOutcome, type TextPlaintext } from './localStore';
export { createKeychainStoreKey, STORE_KEY_ACCOUNT, type LocalStoreKey } from './storeKey';
export { LocalStoreFailedError, LocalStoreLockedError } from './errors';
export { LocalStoreTimetokenError } from './messageRows';
export { LocalHistory } from './localHistory';
export { advanceExpiryClockForTests, type ExpiredMessage } from './expiry';
export type { Snapshot, SnapshotName } from './snapshots';
export {
  fold,
  indexText,
  MAX_SEARCH_LIMIT,
  MAX_SEARCH_QUERY,
  parseSearchQuery,
  SearchQueryError,
  type SearchHit,
  type SearchOptions,
  type SearchSnippet,
} from './searchIndex';
export { SearchScopeError, searchScope, type MessageSearch } from './search';
export { DEFAULT_OUTBOX_LIMITS, Outbox, OutboxDuplicateError, OutboxEntryUnknownError, OutboxFullError, type OutboxEntry, type OutboxLimits } from './outbox';
export { AnnotationRefusedError, MAX_ACTION_BATCH, MAX_ACTIONS_PER_MESSAGE, type ActionChange, type StoredAction } from './annotationStore';
