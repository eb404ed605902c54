/**
 * The first paint of a signed-in start (docs/desktop.md "Start"): main writes the kept conversation list
 * into the page it serves, as plain HTML laid out like the messenger, so the list is on screen as soon as
 * the page's HTML and stylesheet arrive, before the renderer's scripts have been parsed and run. The
 * renderer removes it (App.tsx) in the frame its own list appears, or as soon as it knows the person is
 * not signed in.
 *
 * - It is a picture, not the app: the whole block is `inert` and `aria-hidden` (no focus, no clicks, not
 *   in the accessibility tree), and it carries no test ids of real controls, only `first-paint` and
 *   `first-paint-row`.
 * - It holds what the kept list holds (titles, the signed-in person's name): never a message, a key or a
 *   token. Every name is escaped here (`escapeHtml`), and the page's CSP forbids inline scripts besides.
 * - It draws what the renderer's first list draws (conversationRows.ts with nothing loaded yet): avatar and
 *   title, ordered by title, at most FIRST_PAINT_ROWS rows (a window shows far fewer).
 */
import type { ConversationSummary } from '../ipc/schemas/conversations';
import { avatarColor, initialsOf } from './avatar';
import { cleanName, conversationTitle, directPeer } from './names';

/** The most rows painted before the renderer runs. */
export const FIRST_PAINT_ROWS = 60;

export interface FirstPaintInput {
  readonly self: { readonly userId: string; readonly displayName: string; readonly username: string };
  /** The kept list, as `keptConversations` answers it. */
  readonly conversations: readonly ConversationSummary[];
  /** Keyboard hints as the platform writes them (⌘ on macOS). */
  readonly mac: boolean;
  /** The theme the person chose; 'system' follows the browser's preference, as the stylesheet does. */
  readonly theme: 'light' | 'dark' | 'system';
}

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Text made safe for HTML text and quoted attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ESCAPES[c]!);
}

function avatar(id: string, name: string, size: 'sm' | 'md', group = false): string {
  return `<span class="avatar avatar-${size} avatar-c${avatarColor(id)}${group ? ' avatar-group' : ''}" aria-hidden="true">${escapeHtml(initialsOf(name))}</span>`;
}

/** The rows, in the order the renderer's first list shows them. */
export function firstPaintRows(
  input: Pick<FirstPaintInput, 'self' | 'conversations'>,
): { id: string; title: string; kind: ConversationSummary['kind']; avatarId: string }[] {
  return input.conversations
    .map((c) => ({
      id: c.conversationId as string,
      title: conversationTitle(c, input.self.userId),
      kind: c.kind,
      avatarId: directPeer(c, input.self.userId)?.userId ?? c.conversationId,
    }))
    .sort((a, b) => a.title.localeCompare(b.title))
    .slice(0, FIRST_PAINT_ROWS);
}

/** The block main puts after the renderer's root element; empty when there is nothing to paint. */
export function firstPaintMarkup(input: FirstPaintInput): string {
  const rows = firstPaintRows(input);
  if (rows.length === 0) return '';
  const name = cleanName(input.self.displayName);
  const key = (k: string) => (input.mac ? `⌘${k}` : `Ctrl+${k}`);
  const items = rows
    .map(
      (r) =>
        `<li class="conversation-item"><button type="button" class="conversation-row" data-testid="first-paint-row">${avatar(r.avatarId, r.title, 'md', r.kind === 'group')}` +
        `<span class="conversation-main"><span class="conversation-top"><span class="conversation-title">${escapeHtml(r.title)}</span></span>` +
        `<span class="conversation-bottom"><span class="conversation-preview"></span></span></span></button></li>`,
    )
    .join('');
  return (
    `<div id="first-paint" class="first-paint${input.theme === 'system' ? '' : ` theme-${input.theme}`}" inert aria-hidden="true" data-testid="first-paint"><div class="app"><div class="messenger">` +
    `<header class="app-header"><h1 class="brand"><span class="brand-mark" aria-hidden="true"></span>Seed Messenger</h1>` +
    `<p class="account">${avatar(input.self.userId, name, 'sm')}<span>${escapeHtml(`${name} (@${cleanName(input.self.username)}) · connecting…`)}</span></p>` +
    `<nav class="app-actions"><button type="button" class="btn ghost">Devices</button><button type="button" class="btn ghost">Settings</button><button type="button" class="btn ghost">Sign out</button></nav></header>` +
    `<main class="messenger-main"><div class="messenger-toolbar">` +
    `<div class="tabs area-tabs"><button type="button" role="tab" aria-selected="true">Conversations</button><button type="button" role="tab" aria-selected="false">Channels</button></div>` +
    `<div class="search-launchers"><button type="button">Search messages <kbd>${key('F')}</kbd></button><button type="button">Go to conversation <kbd>${key('K')}</kbd></button></div></div>` +
    `<div class="messenger-body"><nav class="conversation-list"><div class="conversation-list-tools">` +
    `<div class="field"><label>Search conversations</label><input type="search" placeholder="Search"></div><button type="button" class="btn primary">New conversation</button></div>` +
    `<div class="list-filters"><button type="button" class="list-filter" aria-pressed="true">All</button><button type="button" class="list-filter" aria-pressed="false">Unread</button><button type="button" class="list-filter" aria-pressed="false">Mentions</button></div>` +
    `<ul>${items}</ul></nav>` +
    `<div class="empty-state"><span class="empty-state-mark" aria-hidden="true"></span><p class="empty-state-title">No conversation open</p>` +
    `<p class="empty-state-body">Choose a conversation on the left, or start a new one. Everything you send is end-to-end encrypted.</p>` +
    `<button type="button" class="btn primary">Start a conversation</button></div>` +
    `</div></main></div><footer class="app-footer"></footer></div></div>`
  );
}

/** Where the first paint goes in the renderer's page: right after its root element. */
const ROOT = '<div id="root"></div>';

/**
 * The renderer's page cut where the first paint goes: what can be sent at once (the head, with the
 * scripts and stylesheet the browser starts fetching) and the rest; null when the page has no root element.
 */
export function pageAroundFirstPaint(html: string): { readonly before: string; readonly after: string } | null {
  const at = html.indexOf(ROOT);
  return at < 0 ? null : { before: html.slice(0, at + ROOT.length), after: html.slice(at + ROOT.length) };
}
