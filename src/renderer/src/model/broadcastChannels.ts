/**
 * Channel list helpers (docs/broadcast.md §8.1): the roles a person holds on a channel as words, who may
 * publish, the list order (followed first, then by name), and the checks of the "New channel" form —
 * the same schemas main applies (a name of 1–100 characters; an optional custom key manager URL, http(s)
 * without query, fragment, credentials or trailing slash) and the same key manager rule (https, or
 * loopback http for development; docs/broadcast.md §6).
 */
import { keyManagerUrlProblem } from '../../../common/broadcast/keyManagerUrl';
import { createChannelArgsSchema, keyManagerUrlSchema, type BroadcastChannelSummary } from '../../../common/ipc/schemas/broadcast';

/** The person's roles on a channel, most powerful first. */
export function channelRoles(c: BroadcastChannelSummary): string[] {
  const roles: string[] = [];
  if (c.owner) roles.push('owner');
  if (c.publisher) roles.push('publisher');
  if (c.subscriber) roles.push('subscriber');
  return roles;
}

export function rolesText(c: BroadcastChannelSummary): string {
  const roles = channelRoles(c);
  return roles.length === 0 ? 'no access' : roles.join(', ');
}

/** The owner (its creator) and publishers may publish; publishing needs the channel followed. */
export function canPublish(c: BroadcastChannelSummary): boolean {
  return c.following && (c.owner || c.publisher);
}

/** Followed channels first, then by name. */
export function sortChannels(list: readonly BroadcastChannelSummary[]): BroadcastChannelSummary[] {
  return [...list].sort((a, b) => Number(b.following) - Number(a.following) || a.name.localeCompare(b.name) || a.channelId.localeCompare(b.channelId));
}

export type NewChannelCheck =
  | { readonly ok: true; readonly value: { readonly name: string; readonly keyManagerUrl?: string } }
  | { readonly ok: false; readonly field: 'name' | 'keyManagerUrl'; readonly message: string };

/** Checks the form; an empty key manager URL means the organisation's own key manager. */
export function checkNewChannel(name: string, keyManagerUrl: string): NewChannelCheck {
  const trimmedName = name.trim();
  if (trimmedName === '') return { ok: false, field: 'name', message: 'Give the channel a name.' };
  if (trimmedName.length > 100) return { ok: false, field: 'name', message: 'The name can be at most 100 characters.' };
  const url = keyManagerUrl.trim();
  if (url !== '' && !keyManagerUrlSchema.safeParse(url).success) {
    return {
      ok: false,
      field: 'keyManagerUrl',
      message: 'The key manager URL must be an http(s) address without query, fragment, user name or trailing slash.',
    };
  }
  const refused = url === '' ? null : keyManagerUrlProblem(url);
  if (refused !== null) return { ok: false, field: 'keyManagerUrl', message: refused };
  const parsed = createChannelArgsSchema.safeParse(url === '' ? { name: trimmedName } : { name: trimmedName, keyManagerUrl: url });
  if (!parsed.success) return { ok: false, field: 'name', message: 'The channel name is not valid.' };
  return { ok: true, value: parsed.data };
}
