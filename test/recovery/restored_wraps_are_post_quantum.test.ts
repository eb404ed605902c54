/**
 * Restored wraps (docs/protocol.md §18.5 step 7, §18.10.7): what a restored device keeps on the key service
 * is sealed under a key of its own Ed25519 seed (v2), not wrapped to its X25519 key, which a quantum
 * computer would open from a recording. Wraps of earlier releases (v1, X25519) still open; a v2 wrap opens
 * only on its own device and only for the conversation and version it names (re-signed or not), typed
 * `bad_tag` / `bad_signature` otherwise.
 */
import { describe, expect, it } from 'vitest';
import type { ConversationId, DeviceId } from '../../src/common/ids';
import { toBase64Url } from '../../src/common/encoding/base64url';
import { createRestoredWrap, openRestoredWrap, restoredWrapSigningInput, verifyRestoredWrap, type RestoredWrap } from '../../src/common/protocol/recovery';
import { allCryptoProviders } from '../../src/node/crypto/providers';

const providers = allCryptoProviders().map((c) => [c.name, c.provider] as const);

describe.each(providers)('restored wraps, %s provider', (_name, provider) => {
  async function device(id: string) {
    const x25519 = await provider.x25519GenerateKeyPair();
    const ed25519 = await provider.ed25519GenerateKeyPair();
    return { deviceId: id as DeviceId, x25519, ed25519 };
  }
  const userId = 'user-alice-0001';
  const conversationId = 'conv-restored-0001' as ConversationId;

  it('v2 by default, opened with the device seed; v1 (earlier releases) still opens', async () => {
    const d = await device('alice-new-laptop');
    const key = provider.randomBytes(32);
    const keys = { deviceId: d.deviceId, x25519PrivateKey: d.x25519.privateKey, x25519PublicKey: d.x25519.publicKey, ed25519PrivateKey: d.ed25519.privateKey };
    const expect_ = { userId, deviceId: d.deviceId, ed25519PublicKey: d.ed25519.publicKey };
    const dev = { deviceId: d.deviceId, x25519PublicKey: d.x25519.publicKey, ed25519PrivateKey: d.ed25519.privateKey };
    for (const suite of [undefined, 'x25519'] as const) {
      const w = await createRestoredWrap(provider, { userId, device: dev, conversationId, version: 3, key, acceptedAt: 0, ...(suite ? { suite } : {}) });
      expect(w.v).toBe(suite ? 1 : 2);
      const checked = await verifyRestoredWrap(provider, w, expect_);
      expect(await openRestoredWrap(provider, checked, keys)).toEqual(key);
    }
  });

  it('a v2 wrap moved to another conversation or version (re-signed by the device) is bad_tag; on another device bad_signature', async () => {
    const d = await device('alice-new-laptop');
    const other = await device('alice-desktop');
    const keys = { deviceId: d.deviceId, x25519PrivateKey: d.x25519.privateKey, x25519PublicKey: d.x25519.publicKey, ed25519PrivateKey: d.ed25519.privateKey };
    const dev = { deviceId: d.deviceId, x25519PublicKey: d.x25519.publicKey, ed25519PrivateKey: d.ed25519.privateKey };
    const w = await createRestoredWrap(provider, { userId, device: dev, conversationId, version: 3, key: provider.randomBytes(32), acceptedAt: 0 });
    const resign = async (x: RestoredWrap) => ({ ...x, signature: toBase64Url(await provider.ed25519Sign(d.ed25519.privateKey, restoredWrapSigningInput(x))) });
    for (const moved of [await resign({ ...w, conversationId: 'conv-restored-0002' as ConversationId }), await resign({ ...w, version: 4 })]) {
      const checked = await verifyRestoredWrap(provider, moved, { userId, deviceId: d.deviceId, ed25519PublicKey: d.ed25519.publicKey });
      await expect(openRestoredWrap(provider, checked, keys)).rejects.toMatchObject({ code: 'bad_tag' });
    }
    await expect(verifyRestoredWrap(provider, w, { userId, deviceId: other.deviceId, ed25519PublicKey: other.ed25519.publicKey })).rejects.toMatchObject({
      code: 'bad_signature',
    });
    // Even with the device id rewritten, another device's seed does not open it.
    const asOther = { ...w, deviceId: other.deviceId };
    await expect(openRestoredWrap(provider, asOther, { ...keys, deviceId: other.deviceId, ed25519PrivateKey: other.ed25519.privateKey })).rejects.toMatchObject(
      { code: 'bad_tag' },
    );
  });
});
