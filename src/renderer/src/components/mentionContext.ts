/**
 * The members a message's text may mention (model/mentions.ts) and who this user is, for the rows of the
 * open conversation: the chat provides it once instead of threading it through the list and every row.
 */
import { createContext, useContext } from 'react';
import type { Mentionable } from '../model/mentions';

export interface MentionScope {
  readonly people: readonly Mentionable[];
  readonly selfUserId: string | null;
}

export const MentionContext = createContext<MentionScope>({ people: [], selfUserId: null });

export function useMentionScope(): MentionScope {
  return useContext(MentionContext);
}
