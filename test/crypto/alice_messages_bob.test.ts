/**
 * Message envelopes: Alice's device seals messages of each data type for the conversation; Bob's device
 * opens them with the key of the stated version and Alice's certified signing key. Every failure is typed.
 */
import { describe, expect, it } from 'vitest';
import type { ConversationId, DeviceId, MessageId } from '../../src/common/ids';
import { parseEnvelope, type Envelope } from '../../src/common/protocol/envelope';
import { openEnvelope, sealEnvelope, type OpenEnvelopeContext } from '../../src/common/protocol/envelopeSeal';
import type { MessagePlaintext } from '../../src/common/protocol/plaintext';
import { MAX_PUBLISH_BYTES, publishSize } from '../../src/common/protocol/publishSize';
import { flipB64u, makeUser, provider } from './fixtures';

const conversationId = 'conv-alice-bob-1' as ConversationId;
const channel = `conv.${conversationId}`;
const id = 'msg-0000000001' as MessageId;

async function setup() {
  const alice = await makeUser('alice');
  const sender = alice.devices[0]!;
  const keys = new Map([
    [1, provider.randomBytes(32)],
    [2, provider.randomBytes(32)],
  ]);
  const ctx: OpenEnvelopeContext = {
    conversationId,
    keyForVersion: (v) => keys.get(v),
    memberSigningKey: (d) => (d === sender.deviceId ? sender.keys.ed25519.publicKey : undefined),
  };
  const seal = (plaintext: MessagePlaintext, extra: Partial<Parameters<typeof sealEnvelope>[1]> = {}) =>
    sealEnvelope(provider, {
      conversationId,
      keyVersion: 2,
      key: keys.get(2)!,
      senderDevice: sender.deviceId,
      signingPrivateKey: sender.keys.ed25519.privateKey,
      plaintext,
      channel,
      ...extra,
    });
  return { alice, sender, keys, ctx, seal };
}

describe('alice messages bob', () => {
  it('string, binary and JSON bodies round-trip through JSON on the wire', async () => {
    const { ctx, seal } = await setup();
    const bodies: MessagePlaintext[] = [
      { id, sentAt: 1_700_000_000_123, type: 'string', body: 'Hello Bob 👋 — ünïcødé' },
      { id, sentAt: 1, type: 'binary', body: Uint8Array.from([0, 1, 2, 255]) },
      { id, sentAt: 2, type: 'json', body: { text: 'hi', n: 1.5, list: [true, null, 'x'] } },
      { id, sentAt: 3, type: 'string', body: '' },
      { id, sentAt: 4, type: 'string', body: '\uFEFFstarts with U+FEFF, which a UTF-8 decoder must not drop' },
    ];
    for (const m of bodies) {
      const wire = JSON.parse(JSON.stringify(await seal(m)));
      const opened = await openEnvelope(provider, wire, ctx);
      expect(opened.message).toEqual(m);
      expect(opened.header).toMatchObject({ v: 1, type: 'message', conversationId, keyVersion: 2, senderDevice: 'alice-dev0' });
    }
  });

  it('carries clear push metadata that PubNub can read, outside the ciphertext', async () => {
    const { ctx, seal } = await setup();
    const push = { pn_apns: { aps: { alert: 'New message' } }, pn_fcm: { notification: { title: 'New message' } } };
    const env = await seal({ id, sentAt: 1, type: 'string', body: 'secret text' }, { push });
    expect(env.pn_apns).toEqual(push.pn_apns);
    expect(JSON.stringify(env)).not.toContain('secret text');
    expect((await openEnvelope(provider, env, ctx)).push).toEqual(push);
  });

  it('fails with a typed error for each defect', async () => {
    const { alice, ctx, seal } = await setup();
    const env = await seal({ id, sentAt: 1, type: 'string', body: 'hi' });
    const other = await makeUser('mallory');
    const cases: [unknown, string, Partial<OpenEnvelopeContext>?][] = [
      [{ ...env, ciphertext: flipB64u(env.ciphertext) }, 'bad_signature'],
      [{ ...env, nonce: flipB64u(env.nonce) }, 'bad_signature'],
      [{ ...env, signature: flipB64u(env.signature) }, 'bad_signature'],
      [{ ...env, type: 'receipt' }, 'bad_signature'],
      [{ ...env, keyVersion: 1 }, 'bad_signature'],
      [{ ...env, keyVersion: 3 }, 'unknown_key_version'],
      [{ ...env, conversationId: 'conv-other-000' }, 'wrong_conversation'],
      [{ ...env, senderDevice: other.devices[0]!.deviceId }, 'signer_not_member'],
      [{ ...env, v: 2 }, 'unsupported_version'],
      [{ ...env, nonce: 'AAAA' }, 'malformed'],
      [{ ...env, extra: 1 }, 'malformed'],
      [{ ...env, pn_apns: 'x' }, 'malformed'],
      ['not an object', 'malformed'],
      [env, 'bad_tag', { keyForVersion: () => provider.randomBytes(32) }],
      [env, 'bad_signature', { memberSigningKey: () => alice.account.publicKey }],
    ];
    for (const [input, code, override] of cases) {
      await expect(openEnvelope(provider, input, { ...ctx, ...override }), code).rejects.toMatchObject({ code });
    }
  });

  it('a valid signature over a ciphertext that does not decrypt is bad_tag', async () => {
    const { sender, ctx, keys } = await setup();
    const { envelopeAad, envelopeSigningInput, assembleEnvelope } = await import('../../src/common/protocol/envelope');
    const header = { v: 1 as const, type: 'message' as const, conversationId, keyVersion: 2, senderDevice: sender.deviceId as DeviceId };
    const nonce = provider.randomBytes(12);
    const ct = await provider.aes256GcmEncrypt(keys.get(1)!, nonce, new Uint8Array(10), envelopeAad(header));
    const sig = await provider.ed25519Sign(sender.keys.ed25519.privateKey, envelopeSigningInput(header, nonce, ct));
    await expect(openEnvelope(provider, assembleEnvelope(header, nonce, ct, sig), ctx)).rejects.toMatchObject({ code: 'bad_tag' });
  });

  it('refuses a message that would exceed the PubNub publish limit, before publishing', async () => {
    const { seal, ctx } = await setup();
    const fits = await seal({ id, sentAt: 1, type: 'binary', body: new Uint8Array(20_000) });
    expect(publishSize(fits, channel)).toBeLessThanOrEqual(MAX_PUBLISH_BYTES);
    expect((await openEnvelope(provider, fits, ctx)).message.body).toEqual(new Uint8Array(20_000));
    await expect(seal({ id, sentAt: 1, type: 'binary', body: new Uint8Array(24_000) })).rejects.toMatchObject({ code: 'too_large', limit: MAX_PUBLISH_BYTES });
    await expect(seal({ id, sentAt: 1, type: 'string', body: 'x'.repeat(24_000) })).rejects.toMatchObject({ code: 'too_large' });
  });

  it('parses what it produces and nothing with extra fields', async () => {
    const { seal } = await setup();
    const env: Envelope = await seal({ id, sentAt: 1, type: 'string', body: 'x' });
    expect(parseEnvelope(JSON.parse(JSON.stringify(env)))).toEqual(env);
  });
});
