/**
 * Cross-check of the canonical plaintext conversion (seed 001) against Ably's interoperability vectors:
 * converting each `encoded` item with our `bodyBytes` and encrypting with their key and IV must give
 * exactly their `encrypted` data.
 */
import { describe, expect, it } from 'vitest';
import { fromBase64, toBase64 } from '../../src/common/encoding/base64';
import { concatBytes } from '../../src/common/encoding/bytes';
import type { MessageId } from '../../src/common/ids';
import { bodyBytes, type JsonValue, type MessagePlaintext } from '../../src/common/protocol/plaintext';
import ably from '../vectors/external/ably-crypto-data-256.json';
import { provider } from './fixtures';

interface AblyItem {
  encoded: { data: string; encoding?: string };
  encrypted: { data: string };
}

function toPlaintext(item: AblyItem): MessagePlaintext {
  const base = { id: 'ably-vector-0' as MessageId, sentAt: 0 };
  switch (item.encoded.encoding) {
    case undefined:
      return { ...base, type: 'string', body: item.encoded.data };
    case 'base64':
      return { ...base, type: 'binary', body: fromBase64(item.encoded.data) };
    case 'json':
      return { ...base, type: 'json', body: JSON.parse(item.encoded.data) as JsonValue };
    default:
      throw new Error(`unexpected encoding ${item.encoded.encoding}`);
  }
}

describe('Ably crypto-data-256 vectors', () => {
  const items = ably.items as AblyItem[];
  it.each(items.map((item, i) => ({ i, item })))('item $i: our canonical bytes encrypt to the vector', async ({ item }) => {
    const iv = fromBase64(ably.iv);
    const ct = await provider.aes256CbcEncrypt(fromBase64(ably.key), iv, bodyBytes(toPlaintext(item)));
    expect(toBase64(concatBytes(iv, ct))).toBe(item.encrypted.data);
  });

  it('covers strings, binary and JSON', () => {
    expect(new Set(items.map((i) => i.encoded.encoding ?? 'string'))).toEqual(new Set(['string', 'base64', 'json']));
  });
});
