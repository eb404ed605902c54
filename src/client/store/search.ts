/**
 * Search's scope in the client (docs/client.md "Search"): only conversations this user belongs to now.
 * The store holds every message this device ever opened, also of conversations it left or was removed
 * from; the scope comes from the key service's verified conversation list, so those give nothing.
 */
import { AppError } from '../../common/errors';
import type { ConversationId } from '../../common/ids';

export { parseSearchQuery, SearchQueryError, type SearchHit, type SearchSnippet } from './searchIndex';

export interface MessageSearch {
  /** One conversation; every conversation this user belongs to when absent. */
  readonly conversationId?: ConversationId;
  readonly limit: number;
}

/** The conversation ids of the last verified list. */
export interface MembershipSnapshot {
  readonly ids: Set<ConversationId>;
}

/** A search or a jump named a conversation this user does not belong to (now): nothing was read. */
export class SearchScopeError extends AppError {
  constructor(conversationId: ConversationId) {
    super('search_not_member', `you are not a member of conversation ${conversationId}`, 'permission');
  }
}

/** A failure that means the key service could not be asked (offline): the last list stands in. */
function unreachable(err: unknown): boolean {
  const category = (err as { category?: unknown } | null)?.category;
  return category === 'transport' || category === 'unavailable';
}

/**
 * The conversations a search may read: the current list (asked of the key service each time, so a removal
 * counts at once), or the last one when the key service cannot be reached; with `conversationId`, that one
 * alone if this user belongs to it, else `SearchScopeError`.
 */
export async function searchScope(
  conversationId: ConversationId | undefined,
  current: () => Promise<MembershipSnapshot>,
  last: MembershipSnapshot | undefined,
): Promise<ConversationId[]> {
  let membership: MembershipSnapshot;
  try {
    membership = await current();
  } catch (err) {
    if (!unreachable(err) || last === undefined) throw err;
    membership = last;
  }
  if (conversationId === undefined) return [...membership.ids];
  if (!membership.ids.has(conversationId)) throw new SearchScopeError(conversationId);
  return [conversationId];
}
