/**
 * Links in a message's text (issue [chat]; docs/desktop.md "Links in messages"), found by linkifyjs (a
 * maintained tokenizer, not a hand-made pattern). Only web links become links: `https://…`, and bare
 * domains such as `example.com`, which open as https. Anything else — `http://`, `mailto:`, `javascript:`,
 * `file:` — stays text: main lets a link leave the app only over https (src/main/security/navigation.ts),
 * so a link it would refuse is not offered. A link's text is what the message says; its `title` is the
 * URL as the browser will read it, with an internationalised host in its punycode form, so "раураl.com"
 * (Cyrillic letters) shows "xn--l-7sba6dbr.com" on hover instead of passing for "paypal.com".
 */
import { find } from 'linkifyjs';
import { mentionTokens, type Mentionable } from './mentions';

export type MessageSegment =
  | { readonly kind: 'text'; readonly text: string }
  | { readonly kind: 'link'; readonly text: string; readonly href: string; readonly title: string }
  /** A member named `@username` (model/mentions.ts); `self` when it is this user. */
  | { readonly kind: 'mention'; readonly text: string; readonly userId: string; readonly name: string; readonly self: boolean };

/** At most this many links per message are made clickable; the rest stays text. */
export const MAX_LINKS = 50;

/**
 * The message's text split into plain text, links and mentions of `people` (none without them), in order;
 * joined, the segments' texts are `text`. A mention inside a link stays part of the link.
 */
export function messageSegments(text: string, people: readonly Mentionable[] = [], selfUserId: string | null = null): MessageSegment[] {
  return linkSegments(text).flatMap((s) => (s.kind === 'text' ? mentionSegments(s.text, people, selfUserId) : [s]));
}

function mentionSegments(text: string, people: readonly Mentionable[], selfUserId: string | null): MessageSegment[] {
  const tokens = mentionTokens(text, people);
  if (tokens.length === 0) return [{ kind: 'text', text }];
  const segments: MessageSegment[] = [];
  let at = 0;
  for (const t of tokens) {
    if (t.start > at) segments.push({ kind: 'text', text: text.slice(at, t.start) });
    segments.push({
      kind: 'mention',
      text: text.slice(t.start, t.end),
      userId: t.person.userId,
      name: t.person.displayName,
      self: t.person.userId === selfUserId,
    });
    at = t.end;
  }
  if (at < text.length) segments.push({ kind: 'text', text: text.slice(at) });
  return segments;
}

function linkSegments(text: string): MessageSegment[] {
  const segments: MessageSegment[] = [];
  let at = 0;
  let links = 0;
  for (const found of find(text, 'url', { defaultProtocol: 'https' })) {
    if (links === MAX_LINKS) break;
    const href = webLink(found.href);
    if (href === null) continue;
    if (found.start > at) segments.push({ kind: 'text', text: text.slice(at, found.start) });
    segments.push({ kind: 'link', text: found.value, href, title: href });
    at = found.end;
    links += 1;
  }
  if (at < text.length || segments.length === 0) segments.push({ kind: 'text', text: text.slice(at) });
  return segments;
}

/** The https URL as the browser reads it (host in punycode), or null for any other scheme or a URL with credentials. */
function webLink(href: string): string | null {
  let url: URL;
  try {
    url = new URL(href);
  } catch {
    return null;
  }
  if (url.protocol !== 'https:' || url.username !== '' || url.password !== '') return null;
  return url.href;
}
