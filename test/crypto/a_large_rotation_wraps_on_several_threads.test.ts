/**
 * A rotation's wraps computed as one batch (`wrapKeyForDevices` → `sealBaseMany` → each provider's
 * `x25519EphemeralMany`, which hands shares of a large batch to worker threads): every recipient of a
 * 150-device version opens exactly its own wrap, every wrap has its own fresh ephemeral key, the
 * agreements come back in order, and one bad recipient key fails the whole batch with a typed error.
 */
import { describe, expect, it } from 'vitest';
import type { CryptoProvider } from '../../src/common/crypto/provider';
import { toHex } from '../../src/common/encoding/bytes';
import type { ConversationId, DeviceId } from '../../src/common/ids';
import { createKeyVersionRecord, unwrapKeyVersionRecord } from '../../src/common/protocol/keyVersionRecord';
import { PARALLEL_MIN } from '../../src/node/crypto/ephemeralPool';
import { allCryptoProviders } from '../../src/node/crypto/providers';

const providers = allCryptoProviders().map((c) => [c.name, c.provider] as const);
const conversationId = 'conversation-many-01' as ConversationId;

async function devices(p: CryptoProvider, n: number) {
  return Promise.all(
    Array.from({ length: n }, async (_, i) => ({
      deviceId: `device-${String(i).padStart(6, '0')}` as DeviceId,
      x25519: await p.x25519GenerateKeyPair(),
      ed25519: await p.ed25519GenerateKeyPair(),
    })),
  );
}

describe.each(providers)('a large rotation wraps on several threads, %s provider', (_name, p) => {
  it('answers the agreements in order, each matching the recipient side, each with a fresh key', async () => {
    const many = p.x25519EphemeralMany;
    if (!many) throw new Error('the Node provider has the batch agreement');
    const recipients = await devices(p, PARALLEL_MIN * 3 + 7);
    const agreed = await many(recipients.map((r) => r.x25519.publicKey));
    expect(agreed).toHaveLength(recipients.length);
    for (let i = 0; i < recipients.length; i++) {
      const a = agreed[i];
      if (!a) throw new Error('missing agreement');
      expect(toHex(a.dh)).toBe(toHex(await p.x25519((recipients[i] as (typeof recipients)[number]).x25519.privateKey, a.ephemeralPublicKey)));
    }
    expect(new Set(agreed.map((a) => toHex(a.ephemeralPublicKey))).size).toBe(recipients.length);
  });

  it('every recipient of a 150-device version opens its own wrap to the version key', async () => {
    const members = await devices(p, 150);
    const creator = members[0] as (typeof members)[number];
    const { record, conversationKey } = await createKeyVersionRecord(p, {
      conversationId,
      version: 7,
      createdAt: 1_700_000_000_000,
      createdByDevice: creator.deviceId,
      signingPrivateKey: creator.ed25519.privateKey,
      recipients: members.map((m) => ({ deviceId: m.deviceId, x25519PublicKey: m.x25519.publicKey })),
    });
    expect(new Set(record.wraps.map((w) => w.enc)).size).toBe(150);
    for (const m of members) {
      const key = await unwrapKeyVersionRecord(p, record, { deviceId: m.deviceId, x25519PrivateKey: m.x25519.privateKey, x25519PublicKey: m.x25519.publicKey });
      expect(toHex(key)).toBe(toHex(conversationKey));
    }
  });

  it('one low-order or malformed recipient key fails the whole batch with a typed error', async () => {
    const many = p.x25519EphemeralMany;
    if (!many) throw new Error('the Node provider has the batch agreement');
    const good = (await devices(p, PARALLEL_MIN + 1)).map((d) => d.x25519.publicKey);
    await expect(many([...good, new Uint8Array(32)])).rejects.toMatchObject({ code: 'provider_error' });
    await expect(many([...good.slice(0, 3), new Uint8Array(32)])).rejects.toMatchObject({ code: 'provider_error' });
    await expect(many([...good, new Uint8Array(31)])).rejects.toMatchObject({ code: 'provider_error' });
  });
});
