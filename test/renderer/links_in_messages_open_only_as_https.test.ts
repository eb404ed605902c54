/**
 * Links in messages (issue [chat]; docs/desktop.md "Links in messages"): linkifyjs finds them, only web
 * links over https become links, and a look-alike host shows its real (punycode) form on hover. What a link
 * may then open is main's decision (test/main: the window-open policy); these are the links the window offers.
 */
import { describe, expect, it } from 'vitest';
import { MAX_LINKS, messageSegments } from '../../src/renderer/src/model/messageLinks';

const links = (text: string) => messageSegments(text).filter((s) => s.kind === 'link');

describe('links in messages', () => {
  it('makes https links and bare domains clickable, keeping every character of the text', () => {
    const text = 'Agenda at https://wiki.corp.example/launch?tab=2, mirror on example.org.';
    const segments = messageSegments(text);
    expect(segments.map((s) => s.text).join('')).toBe(text);
    expect(links(text)).toEqual([
      {
        kind: 'link',
        text: 'https://wiki.corp.example/launch?tab=2',
        href: 'https://wiki.corp.example/launch?tab=2',
        title: 'https://wiki.corp.example/launch?tab=2',
      },
      { kind: 'link', text: 'example.org', href: 'https://example.org/', title: 'https://example.org/' },
    ]);
  });

  it.each([
    ['plain http', 'see http://intranet.corp.example/x'],
    ['a script URL', 'click javascript:alert(document.cookie)'],
    ['a mail address', 'write to mailto:it@corp.example or it@corp.example'],
    ['a file URL', 'open file:///etc/passwd'],
    ['credentials in the URL', 'https://alice:secret@corp.example/'],
  ])('offers no link for %s', (_name, text) => {
    expect(links(text)).toEqual([]);
    expect(
      messageSegments(text)
        .map((s) => s.text)
        .join(''),
    ).toBe(text);
  });

  it('shows a look-alike host as the browser reads it (punycode) on hover', () => {
    const [link] = links('pay here: раураl.com/login');
    expect(link?.text).toBe('раураl.com/login');
    expect(link?.title).toBe('https://xn--l-7sba6dbr.com/login');
  });

  it(`makes at most ${MAX_LINKS} links of one message clickable; the rest stays text`, () => {
    const text = Array.from({ length: MAX_LINKS + 5 }, (_, i) => `https://h${i}.example`).join(' ');
    expect(links(text)).toHaveLength(MAX_LINKS);
    expect(
      messageSegments(text)
        .map((s) => s.text)
        .join(''),
    ).toBe(text);
  });

  it('a text without links is one text segment, an empty text too', () => {
    expect(messageSegments('no links here')).toEqual([{ kind: 'text', text: 'no links here' }]);
    expect(messageSegments('')).toEqual([{ kind: 'text', text: '' }]);
  });
});
