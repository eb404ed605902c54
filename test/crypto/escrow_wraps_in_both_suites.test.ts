/**
 * The escrow wrap in both suites (docs/protocol.md §19.2): a recipient made by this release is X-Wing and
 * its wraps are HPKE X-Wing; a recipient of an earlier release (X25519) keeps X25519 wraps that still open.
 * The suite follows from the recipient's key: an X25519 wrap to an X-Wing recipient is `suite_downgrade`,
 * an X-Wing wrap to an X25519 one `unsupported_suite`; a wrap opens only for its conversation and version.
 */
import { describe, expect, it } from 'vitest';
import { xwingGenerateKeyPair, XWING_CIPHERTEXT_LENGTH } from '../../src/common/crypto/xwing';
import { fromBase64Url } from '../../src/common/encoding/base64url';
import { checkEscrowWrapSuite, escrowFingerprint, openEscrowWrap, sealEscrowWrap } from '../../src/common/protocol/escrowWrap';
import { provider } from '../client/harness';

const conversationId = 'c_escrow_suites_000000';

async function codeOf(p: Promise<unknown>): Promise<string> {
  return p.then(
    () => 'no error',
    (e: unknown) => (e as { code?: string }).code ?? String(e),
  );
}

describe('escrow wraps in both suites', () => {
  it('an X-Wing recipient gets X-Wing wraps that open with its seed, for their conversation and version only', async () => {
    const recipient = xwingGenerateKeyPair(provider);
    const key = provider.randomBytes(32);
    const wrap = await sealEscrowWrap(provider, { conversationId, version: 3, recipientPublicKey: recipient.publicKey, key });
    expect(wrap).toMatchObject({ suite: 'xwing', recipient: await escrowFingerprint(provider, recipient.publicKey) });
    expect(fromBase64Url(wrap.enc).length).toBe(XWING_CIPHERTEXT_LENGTH);
    const opened = await openEscrowWrap(provider, { conversationId, version: 3, wrap, privateKey: recipient.privateKey, publicKey: recipient.publicKey });
    expect(Buffer.from(opened).equals(Buffer.from(key))).toBe(true);
    const input = { conversationId, version: 4, wrap, privateKey: recipient.privateKey, publicKey: recipient.publicKey };
    expect(await codeOf(openEscrowWrap(provider, input))).toBe('bad_tag');
  });

  it('an X25519 recipient of an earlier release keeps X25519 wraps, which still open', async () => {
    const recipient = await provider.x25519GenerateKeyPair();
    const key = provider.randomBytes(32);
    const wrap = await sealEscrowWrap(provider, { conversationId, version: 1, recipientPublicKey: recipient.publicKey, key });
    expect('suite' in wrap).toBe(false);
    expect(fromBase64Url(wrap.enc).length).toBe(32);
    const opened = await openEscrowWrap(provider, { conversationId, version: 1, wrap, privateKey: recipient.privateKey, publicKey: recipient.publicKey });
    expect(Buffer.from(opened).equals(Buffer.from(key))).toBe(true);
  });

  it("a wrap in the other suite than its recipient's key is refused: suite_downgrade or unsupported_suite", async () => {
    const pq = xwingGenerateKeyPair(provider);
    const classical = await provider.x25519GenerateKeyPair();
    const key = provider.randomBytes(32);
    const classicalWrap = await sealEscrowWrap(provider, { conversationId, version: 1, recipientPublicKey: classical.publicKey, key });
    const pqWrap = await sealEscrowWrap(provider, { conversationId, version: 1, recipientPublicKey: pq.publicKey, key });
    expect(() => checkEscrowWrapSuite(classicalWrap, pq.publicKey)).toThrow(expect.objectContaining({ code: 'suite_downgrade' }));
    expect(() => checkEscrowWrapSuite(pqWrap, classical.publicKey)).toThrow(expect.objectContaining({ code: 'unsupported_suite' }));
    const downgraded = { ...classicalWrap, recipient: pqWrap.recipient };
    const input = { conversationId, version: 1, wrap: downgraded, privateKey: pq.privateKey, publicKey: pq.publicKey };
    expect(await codeOf(openEscrowWrap(provider, input))).toBe('suite_downgrade');
    expect(await codeOf(escrowFingerprint(provider, provider.randomBytes(33)))).toBe('malformed');
  });
});
