/**
 * A file message in the page (docs/desktop.md "Files"): main hands the page `{"file": {…}}` instead of the
 * descriptor, and the timeline and notifications read it as "📎 name · size · type" with the caption below —
 * never as JSON. Any other JSON body still reads as its JSON.
 */
import { describe, expect, it } from 'vitest';
import type { MessageId } from '../../src/common/ids';
import { fileText, formatSize, messageText } from '../../src/renderer/src/model/messageText';

const id = 'msg-0000000000000000000001' as MessageId;

describe('file messages read as name, size and type', () => {
  it('shows the view main sent, with the caption on its own line', () => {
    const body = { file: { fileName: 'Quarterly report.pdf', size: 20_000_000, mediaType: 'application/pdf', thumbnail: null, caption: 'Q4' } };
    expect(messageText({ id, sentAt: 1, type: 'json', body })).toBe('📎 Quarterly report.pdf · 20 MB · application/pdf\nQ4');
    expect(fileText({ file: { fileName: 'a.png', size: 1234, mediaType: 'image/png', thumbnail: { width: 320, height: 200, mediaType: 'image/jpeg' } } })).toBe(
      '📎 a.png · 1.2 KB · image/png',
    );
  });

  it('leaves other JSON bodies as they were', () => {
    expect(messageText({ id, sentAt: 1, type: 'json', body: { file: 'not a view' } })).toBe('{"file":"not a view"}');
    expect(fileText({ replyTo: 'x', text: 'y' })).toBeUndefined();
  });

  it('writes sizes as people read them', () => {
    expect([0, 1, 999, 1000, 1_500, 12_345, 999_999, 1_000_000, 2_500_000_000].map(formatSize)).toEqual([
      '0 bytes',
      '1 byte',
      '999 bytes',
      '1 KB',
      '1.5 KB',
      '12 KB',
      '1 MB',
      '1 MB',
      '2.5 GB',
    ]);
  });
});
