/**
 * Stock-SDK messages (docs/protocol.md §8.4) replayed from `test/vectors/stock-messages.json` through the
 * client core's `StockMessages`: the held key versions are tried newest first; an older version opens a
 * message only until the next version's acceptance plus the tolerance (`stock_key_retired` after); a body
 * that is not a text is `stock_body_unsupported`; another key is `bad_tag`. Every opened message carries the
 * unsigned sender marker. The key ring here is the vector's held versions (the state a device would hold).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Conversations } from '../../src/client/conversations';
import type { KeyRing } from '../../src/client/keyRing';
import { StockMessages } from '../../src/client/stockMessages';
import type { ConversationId } from '../../src/common/ids';
import { isUnsignedSender, UNSIGNED_SENDER_DEVICE, UNSIGNED_SENDER_USER } from '../../src/common/protocol/pubnub/stock';
import { chooseCryptoProvider } from '../../src/node/crypto/providers';

const provider = chooseCryptoProvider().provider;
const CONV = 'conv-stock-vectors' as ConversationId;

interface Vectors {
  versions: { version: number; conversationKey: string; acceptedAt?: number }[];
  valid: { name: string; timetoken: string; payload: string; expected: { id: string; sentAt: number; text: string; keyVersion: number } }[];
  invalid: { name: string; timetoken: string; payload: string; error: string }[];
}
const v = JSON.parse(readFileSync(join(__dirname, '../vectors/stock-messages.json'), 'utf8')) as Vectors;

/** The versions a device holds, as the ring answers them (copies of the keys; facts with the acceptance time). */
function heldRing(versions: Vectors['versions']): KeyRing {
  const byVersion = new Map(versions.map((x) => [x.version, x]));
  return {
    heldVersions: () => [...byVersion.keys()].sort((a, b) => a - b),
    held: (_c: ConversationId, version: number) => {
      const x = byVersion.get(version);
      return x === undefined ? undefined : new Uint8Array(Buffer.from(x.conversationKey, 'hex'));
    },
    facts: (_c: ConversationId, version: number) => {
      const x = byVersion.get(version);
      return x === undefined ? undefined : { memberDevices: [], acceptedAt: x.acceptedAt ?? 0 };
    },
    prefetch: async () => 0,
  } as unknown as KeyRing;
}

const stock = new StockMessages(provider, heldRing(v.versions), {} as Conversations);

describe('stock-messages.json through StockMessages', () => {
  for (const c of v.valid) {
    it(`opens: ${c.name}`, async () => {
      const outcome = await stock.open(CONV, c.payload, { timetoken: c.timetoken });
      expect(outcome).toEqual({
        kind: 'ok',
        plaintext: { id: c.expected.id, sentAt: c.expected.sentAt, type: 'string', body: c.expected.text },
        senderUser: UNSIGNED_SENDER_USER,
        senderDevice: UNSIGNED_SENDER_DEVICE,
        keyVersion: c.expected.keyVersion,
      });
      expect(outcome.kind === 'ok' && isUnsignedSender(outcome)).toBe(true);
    });
  }
  for (const c of v.invalid) {
    it(`refuses with ${c.error}: ${c.name}`, async () => {
      expect(await stock.open(CONV, c.payload, { timetoken: c.timetoken })).toMatchObject({ kind: 'rejected', code: c.error });
    });
  }

  it('a device that holds only the old version cannot tell it was retired: it opens (why notices prefetch new versions)', async () => {
    const onlyOld = new StockMessages(provider, heldRing(v.versions.filter((x) => x.version === 1)), {} as Conversations);
    const late = v.invalid.find((c) => c.error === 'stock_key_retired')!;
    expect(await onlyOld.open(CONV, late.payload, { timetoken: late.timetoken })).toMatchObject({ kind: 'ok', keyVersion: 1 });
  });

  it('without the timetoken it was received at, nothing is opened', async () => {
    expect(await stock.open(CONV, v.valid[0]!.payload, undefined)).toMatchObject({ kind: 'rejected', code: 'malformed' });
  });

  it('an envelope object or a legacy payload is never a stock message', async () => {
    expect(await stock.open(CONV, { v: 1 }, { timetoken: v.valid[0]!.timetoken })).toMatchObject({ kind: 'rejected', code: 'malformed' });
    expect(await stock.open(CONV, 'AAAAAAAAAAAAAAAAAAAAAA==', { timetoken: v.valid[0]!.timetoken })).toMatchObject({ kind: 'rejected', code: 'malformed' });
  });
});
