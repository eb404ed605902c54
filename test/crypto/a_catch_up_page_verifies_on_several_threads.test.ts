/**
 * Signature checks that arrive together (a catch-up or history page opened with Promise.all) are verified
 * as one batch shared with worker threads (src/node/crypto/verifyBatch.ts), for each provider: every
 * caller gets the answer for its own signature, in order, tampered ones false; a lone caller and a
 * sequential loop still get theirs; a whole page of envelopes opens the same way.
 */
import { describe, expect, it } from 'vitest';
import { openEnvelope, sealEnvelope } from '../../src/common/protocol/envelopeSeal';
import type { ConversationId, DeviceId, MessageId } from '../../src/common/ids';
import { allCryptoProviders } from '../../src/node/crypto/providers';
import { itemsAnsweredByWorkers } from '../../src/node/crypto/threadShare';
import { VERIFY_PARALLEL_MIN } from '../../src/node/crypto/verifyBatch';

const providers = allCryptoProviders().map((c) => [c.name, c.provider] as const);

describe.each(providers)('%s provider: signatures arriving together', (_name, p) => {
  it('are answered each for its own signature, in order, with part of the batch on worker threads', async () => {
    const signer = await p.ed25519GenerateKeyPair();
    const count = VERIFY_PARALLEL_MIN * 4 + 5;
    const items = await Promise.all(
      Array.from({ length: count }, async (_, i) => {
        const message = p.randomBytes(100 + i);
        const signature = await p.ed25519Sign(signer.privateKey, message);
        if (i % 7 === 3) signature[i % 64] = (signature[i % 64] ?? 0) ^ 1;
        return { message, signature, valid: i % 7 !== 3 };
      }),
    );
    const before = itemsAnsweredByWorkers();
    const answers = await Promise.all(items.map((it) => p.ed25519Verify(signer.publicKey, it.message, it.signature)));
    expect(answers).toEqual(items.map((it) => it.valid));
    expect(itemsAnsweredByWorkers() - before).toBeGreaterThan(0);

    const one = items[0] as (typeof items)[number];
    expect(await p.ed25519Verify(signer.publicKey, one.message, one.signature)).toBe(true);
    const sequential: boolean[] = [];
    for (const it of items.slice(0, 20)) sequential.push(await p.ed25519Verify(signer.publicKey, it.message, it.signature));
    expect(sequential).toEqual(items.slice(0, 20).map((it) => it.valid));
    expect(await p.ed25519Verify(new Uint8Array(32).fill(1), one.message, one.signature)).toBe(false);
  });

  it('a page of envelopes opened together: every good one opens, a forged one fails with its own typed error', async () => {
    const conversationId = 'conv-batch-verify-01' as ConversationId;
    const sender = await p.ed25519GenerateKeyPair();
    const senderDevice = 'device-batch-sender' as DeviceId;
    const key = p.randomBytes(32);
    const page = await Promise.all(
      Array.from({ length: 100 }, async (_, i) => {
        const envelope = await sealEnvelope(p, {
          conversationId,
          keyVersion: 1,
          key,
          senderDevice,
          signingPrivateKey: sender.privateKey,
          plaintext: { type: 'string', id: `message-${String(i).padStart(4, '0')}` as MessageId, sentAt: 1_700_000_000_000 + i, body: `message ${i}` },
          channel: `conv.${conversationId}`,
        });
        const wire = JSON.parse(JSON.stringify(envelope)) as { signature: string };
        if (i === 42) wire.signature = `${wire.signature.startsWith('A') ? 'B' : 'A'}${wire.signature.slice(1)}`;
        return wire;
      }),
    );
    const ctx = { conversationId, keyForVersion: () => key, memberSigningKey: () => sender.publicKey };
    const outcomes = await Promise.all(
      page.map((w) =>
        openEnvelope(p, w, ctx).then(
          (o) => o.message,
          (err: { code?: string }) => err.code,
        ),
      ),
    );
    for (const [i, o] of outcomes.entries()) {
      if (i === 42) expect(o).toBe('bad_signature');
      else expect(o).toMatchObject({ body: `message ${i}` });
    }
  });
});
