/** The text of a decrypted message body, shown as text only (never interpreted as HTML). */
import type { MessagePlaintext } from '../../../common/protocol/plaintext';

export function messageText(message: MessagePlaintext): string {
  switch (message.type) {
    case 'string':
      return message.body;
    case 'json':
      return fileText(message.body) ?? JSON.stringify(message.body);
    case 'binary':
      return `[binary message, ${message.body.length} bytes]`;
    default:
      throw new Error(`unknown body type ${JSON.stringify(message satisfies never)}`);
  }
}

/**
 * A file message as main shows it to the page (`{"file": {fileName, size, mediaType, caption?}}`,
 * docs/desktop.md "Files"): "📎 name · size · type", then the caption on its own line; undefined for any
 * other body.
 */
export function fileText(body: unknown): string | undefined {
  const file = (body as { file?: unknown } | null)?.file as { fileName?: unknown; size?: unknown; mediaType?: unknown; caption?: unknown } | undefined;
  if (typeof file !== 'object' || file === null || typeof file.fileName !== 'string' || typeof file.size !== 'number' || typeof file.mediaType !== 'string')
    return undefined;
  const line = `📎 ${file.fileName} · ${formatSize(file.size)} · ${file.mediaType}`;
  return typeof file.caption === 'string' ? `${line}\n${file.caption}` : line;
}

/** Bytes as people read them: 999 bytes, 1.2 KB, 20 MB (1 KB = 1,000 bytes, as the policy counts). */
export function formatSize(bytes: number): string {
  if (bytes < 1000) return `${bytes} ${bytes === 1 ? 'byte' : 'bytes'}`;
  const units = ['KB', 'MB', 'GB', 'TB'];
  const shown = (v: number) => (v >= 10 ? Math.round(v) : Math.round(v * 10) / 10);
  let value = bytes / 1000;
  let unit = 0;
  // Promote on the rounded value, so 999,999 bytes read "1 MB", not "1000 KB".
  while (shown(value) >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit += 1;
  }
  return `${shown(value)} ${units[unit]}`;
}
