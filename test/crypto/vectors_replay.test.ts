/**
 * Replays test/vectors/*.json from their recorded inputs alone — as an outside implementation would —
 * and requires every valid case to reproduce its outputs and every invalid case to fail with its error
 * code. Also checks that scripts/gen-vectors.ts still reproduces the files byte for byte.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import PubNub from 'pubnub';
import { describe, expect, it } from 'vitest';
import { buildAllVectors, vectorFileText } from '../../scripts/gen-vectors';
import { fromBase64Url, toBase64Url } from '../../src/common/encoding/base64url';
import { concatBytes, fromHex, i2osp, toHex } from '../../src/common/encoding/bytes';
import type { ChannelId, ConversationId, DeviceId, MessageId } from '../../src/common/ids';
import { openBroadcast, sealBroadcast, type BroadcastEnvelope } from '../../src/common/protocol/broadcast';
import { deviceCertificateSigningInput, verifyDeviceCertificate, type DeviceCertificate } from '../../src/common/protocol/deviceCertificate';
import type { Envelope } from '../../src/common/protocol/envelope';
import { openEnvelope, sealEnvelope } from '../../src/common/protocol/envelopeSeal';
import {
  createKeyVersionRecord,
  keyVersionRecordCanonicalJson,
  keyVersionSigningInput,
  publicKeyVersionRecord,
  unwrapKeyVersionRecord,
  wrapDigestInput,
  type KeyVersionRecord,
  type PublicKeyVersionRecord,
} from '../../src/common/protocol/keyVersionRecord';
import { verifyDeviceKeyVersion, verifyKeyVersionRecord } from '../../src/common/protocol/keyVersionVerify';
import { unwrapKey, wrapAad, wrapInfo, wrapKey, type KeyWrap, type WrapPurpose } from '../../src/common/protocol/keyWrap';
import { encodePlaintext, type MessagePlaintext } from '../../src/common/protocol/plaintext';
import { decodePubNubMessage, encodePubNubMessage } from '../../src/common/protocol/pubnub/message';
import { fingerprintDigits, partyFingerprint, safetyNumber, safetyNumberQrMatches } from '../../src/common/protocol/safetyNumber';
import { utf8Encode } from '../../src/common/encoding/utf8';
import { provider } from './fixtures';

const dir = join(__dirname, '..', 'vectors');
/* eslint-disable @typescript-eslint/no-explicit-any -- vector files are untyped JSON, read field by field */
type Case = Record<string, any>;
type VectorFile = { valid: Case[]; invalid: Case[]; qrComparisons: Case[] } & Record<string, any>;
/* eslint-enable @typescript-eslint/no-explicit-any */
const load = (name: string): VectorFile => JSON.parse(readFileSync(join(dir, name), 'utf8')) as VectorFile;
const pair = (p: { privateKey: string; publicKey: string }) => ({ privateKey: fromHex(p.privateKey), publicKey: fromHex(p.publicKey) });

interface PlaintextJson {
  id: string;
  sentAt: number;
  type: 'string' | 'binary' | 'json';
  body?: unknown;
  bodyBase64Url?: string;
}
function plaintextOf(p: PlaintextJson): MessagePlaintext {
  const base = { id: p.id as MessageId, sentAt: p.sentAt };
  if (p.type === 'binary') return { ...base, type: 'binary', body: fromBase64Url(p.bodyBase64Url ?? '') };
  if (p.type === 'string') return { ...base, type: 'string', body: p.body as string };
  return { ...base, type: 'json', body: p.body as never };
}

describe('vector files', () => {
  it('are reproduced byte for byte by scripts/gen-vectors.ts', async () => {
    for (const [name, content] of Object.entries(await buildAllVectors())) {
      expect(readFileSync(join(dir, name), 'utf8'), name).toBe(vectorFileText(content));
    }
  });
});

describe('key-wraps.json', () => {
  const v = load('key-wraps.json');
  it.each(v.valid)('valid: $name', async (c) => {
    expect(toHex(wrapInfo(c.purpose, c.scopeId, c.version))).toBe(c.info);
    expect(toHex(wrapAad(c.deviceId))).toBe(c.aad);
    const wrap = await wrapKey(provider, {
      purpose: c.purpose,
      scopeId: c.scopeId,
      version: c.version,
      recipientDeviceId: c.deviceId,
      recipientPublicKey: fromHex(c.recipient.publicKey),
      key: fromHex(c.key),
      ephemeral: pair(c.ephemeral),
    });
    expect(wrap).toEqual(c.wrap);
    const key = await unwrapKey(provider, {
      purpose: c.purpose,
      scopeId: c.scopeId,
      version: c.version,
      wrap: c.wrap,
      deviceId: c.deviceId,
      privateKey: fromHex(c.recipient.privateKey),
    });
    expect(toHex(key)).toBe(c.key);
  });
  it.each(v.invalid)('invalid: $name → $error', async (c) => {
    await expect(
      unwrapKey(provider, {
        purpose: c.purpose as WrapPurpose,
        scopeId: c.scopeId,
        version: c.version,
        wrap: c.wrap as KeyWrap,
        deviceId: c.deviceId as DeviceId,
        privateKey: fromHex(c.recipient.privateKey),
      }),
    ).rejects.toMatchObject({ code: c.error });
  });
});

describe('device-certificates.json', () => {
  const v = load('device-certificates.json');
  it.each(v.valid)('valid: $deviceId', async (c) => {
    const cert = await verifyDeviceCertificate(provider, c.certificate, { accountKey: fromHex(v.account.publicKey), userId: v.account.userId });
    expect(toHex(deviceCertificateSigningInput(cert))).toBe(c.signingInput);
    expect(cert.x25519).toBe(toBase64Url(fromHex(c.x25519.publicKey)));
  });
  it('valid: a certificate that carries the company identity (sso) signs it with the rest', async () => {
    const cert = await verifyDeviceCertificate(provider, v.withSso.certificate, { accountKey: fromHex(v.account.publicKey), userId: v.account.userId });
    expect(cert.sso).toEqual({ iss: 'https://login.corp.example/tenant-1', sub: 'emp-00042' });
    expect(toHex(deviceCertificateSigningInput(cert))).toBe(v.withSso.signingInput);
  });
  it.each(v.invalid)('invalid: $name → $error', async (c) => {
    await expect(verifyDeviceCertificate(provider, c.certificate, { accountKey: fromHex(c.accountKey) })).rejects.toMatchObject({ code: c.error });
  });
});

describe('key-version-records.json', () => {
  const v = load('key-version-records.json');
  const certOf = (deviceId: string): DeviceCertificate => v.devices.find((d: { deviceId: string }) => d.deviceId === deviceId).certificate;
  it.each(v.valid)('valid: $name', async (c) => {
    const record = c.record as KeyVersionRecord;
    const devices = new Map<string, { deviceId: DeviceId; x25519: { privateKey: string; publicKey: string }; ed25519: { privateKey: string } }>(
      v.devices.map((d: { deviceId: string }) => [d.deviceId, d]),
    );
    const signer = devices.get(record.createdByDevice)!;
    const { record: rebuilt } = await createKeyVersionRecord(provider, {
      conversationId: record.conversationId,
      version: record.version,
      createdAt: record.createdAt,
      createdByDevice: record.createdByDevice,
      signingPrivateKey: fromHex(signer.ed25519.privateKey),
      recipients: record.memberDevices.map((id) => ({ deviceId: id, x25519PublicKey: fromHex(devices.get(id)!.x25519.publicKey) })),
      conversationKey: fromHex(c.conversationKey),
      ephemerals: new Map(Object.entries(c.ephemerals as Record<string, { privateKey: string; publicKey: string }>).map(([id, p]) => [id, pair(p)])),
    });
    expect(rebuilt).toEqual(record);
    const publicRecord = await publicKeyVersionRecord(provider, record);
    expect(publicRecord).toEqual(c.publicRecord as PublicKeyVersionRecord);
    expect(toHex(wrapDigestInput(record.wraps[0]!))).toBe(c.wrapDigestInput.input);
    expect(publicRecord.wrapDigests[0]).toBe(c.wrapDigestInput.digest);
    expect(keyVersionRecordCanonicalJson(publicRecord)).toBe(c.canonicalJson);
    expect(toHex(keyVersionSigningInput(publicRecord))).toBe(c.signingInput);
    const verified = await verifyKeyVersionRecord(provider, record, {
      conversationId: c.verify.conversationId,
      signerCertificate: certOf(c.verify.signerDevice),
      signerAccountKey: fromHex(c.verify.signerAccountKey),
    });
    for (const id of record.memberDevices) {
      const key = await unwrapKeyVersionRecord(provider, verified, { deviceId: id, x25519PrivateKey: fromHex(devices.get(id)!.x25519.privateKey) });
      expect(toHex(key)).toBe(c.conversationKey);
      const wrap = record.wraps.find((w) => w.deviceId === id)!;
      const expectations = {
        conversationId: c.verify.conversationId,
        signerCertificate: certOf(c.verify.signerDevice),
        signerAccountKey: fromHex(c.verify.signerAccountKey),
        deviceId: id,
      };
      const fetched = await verifyDeviceKeyVersion(provider, { record: c.publicRecord, wrap }, expectations);
      expect(fetched.coverage).toBe('record');
      const other = record.wraps.find((w) => w.deviceId !== id)!;
      await expect(verifyDeviceKeyVersion(provider, { record: c.publicRecord, wrap: { ...other, deviceId: id } }, expectations)).rejects.toMatchObject({
        code: 'bad_signature',
      });
    }
  });
  it.each(v.invalid)('invalid: $name → $error', async (c) => {
    await expect(
      verifyKeyVersionRecord(provider, c.record, {
        conversationId: c.verify.conversationId as ConversationId,
        signerCertificate: certOf(c.verify.signerDevice),
        signerAccountKey: fromHex(c.verify.signerAccountKey),
        version: c.verify.version,
        memberDevices: c.verify.memberDevices,
      }),
    ).rejects.toMatchObject({ code: c.error });
  });
});

describe('envelopes.json', () => {
  const v = load('envelopes.json');
  const keys = new Map(Object.entries(v.conversationKeys as Record<string, string>).map(([k, hex]) => [Number(k), fromHex(hex)]));
  const ctx = (conversationId: string) => ({
    conversationId: conversationId as ConversationId,
    keyForVersion: (n: number) => keys.get(n),
    memberSigningKey: (d: DeviceId) => (d === v.sender.deviceId ? fromHex(v.sender.ed25519.publicKey) : undefined),
  });
  it.each(v.valid)('valid: $name', async (c) => {
    const env = c.envelope as Envelope;
    const plaintext = plaintextOf(c.plaintext);
    expect(toHex(encodePlaintext(plaintext))).toBe(c.plaintextBytes);
    const resealed = await sealEnvelope(provider, {
      type: env.type,
      conversationId: env.conversationId,
      keyVersion: env.keyVersion,
      key: keys.get(env.keyVersion)!,
      senderDevice: env.senderDevice,
      signingPrivateKey: fromHex(v.sender.ed25519.privateKey),
      plaintext,
      channel: `conv.${env.conversationId}`,
      nonce: fromHex(c.nonce),
      push: { pn_apns: env.pn_apns, pn_fcm: env.pn_fcm },
    });
    expect(resealed).toEqual(env);
    expect((await openEnvelope(provider, env, ctx(env.conversationId))).message).toEqual(plaintext);
  });
  it.each(v.invalid)('invalid: $name → $error', async (c) => {
    await expect(openEnvelope(provider, c.envelope, ctx(c.context.conversationId))).rejects.toMatchObject({ code: c.error });
  });
});

describe('broadcasts.json', () => {
  const v = load('broadcasts.json');
  const channelKeys = new Map(Object.entries(v.channelKeys as Record<string, { privateKey: string; publicKey: string }>).map(([k, p]) => [Number(k), pair(p)]));
  const ctx = (channelId: string) => ({
    channelId: channelId as ChannelId,
    channelKeyForVersion: (n: number) => channelKeys.get(n),
    publisherSigningKey: (d: DeviceId) => (d === v.sender.deviceId ? fromHex(v.sender.ed25519.publicKey) : undefined),
  });
  it.each(v.valid)('valid: $name', async (c) => {
    const env = c.envelope as BroadcastEnvelope;
    const plaintext = plaintextOf(c.plaintext);
    const resealed = await sealBroadcast(provider, {
      channelId: env.channelId,
      keyVersion: env.keyVersion,
      channelPublicKey: channelKeys.get(env.keyVersion)!.publicKey,
      senderDevice: env.senderDevice,
      signingPrivateKey: fromHex(v.sender.ed25519.privateKey),
      plaintext,
      channel: `bcast.${env.channelId}`,
      ephemeral: pair(c.ephemeral),
    });
    expect(resealed).toEqual(env);
    expect((await openBroadcast(provider, env, ctx(env.channelId))).message).toEqual(plaintext);
  });
  it.each(v.invalid)('invalid: $name → $error', async (c) => {
    await expect(openBroadcast(provider, c.envelope, ctx(c.context.channelId))).rejects.toMatchObject({ code: c.error });
  });
});

describe('pubnub-acrh.json', () => {
  const v = load('pubnub-acrh.json');
  it('cipherKey is base64url of the conversation key', () => {
    expect(v.cipherKey).toBe(toBase64Url(fromHex(v.conversationKey)));
  });
  it.each(v.valid)('valid: $plaintext', async (c) => {
    expect(await encodePubNubMessage(provider, v.cipherKey, c.message, fromHex(c.iv))).toBe(c.payload);
    expect(await decodePubNubMessage(provider, v.cipherKey, c.payload)).toEqual(c.message);
    const sdk = PubNub.CryptoModule.aesCbcCryptoModule({ cipherKey: v.cipherKey }).decrypt(c.payload) as ArrayBuffer;
    expect(Buffer.from(sdk).toString('utf8')).toBe(c.plaintext);
  });
  it.each(v.invalid)('invalid: $name → $error', async (c) => {
    await expect(decodePubNubMessage(provider, c.cipherKey, c.payload)).rejects.toMatchObject({ code: c.error });
  });
});

describe('safety-numbers.json', () => {
  const v = load('safety-numbers.json');
  it.each(v.valid)('valid: $a.userId / $b.userId', async (c) => {
    for (const p of [c.a, c.b]) {
      expect(toHex(concatBytes(i2osp(0, 2), fromHex(p.accountKey), utf8Encode(p.userId)))).toBe(p.h0Input);
      const fp = await partyFingerprint(provider, { userId: p.userId, accountKey: fromHex(p.accountKey) });
      expect(toHex(fp)).toBe(p.fingerprint);
      expect(fingerprintDigits(fp)).toBe(p.digits);
    }
    const [low, high] = [c.a, c.b].sort((x, y) => (x.digits < y.digits ? -1 : x.digits > y.digits ? 1 : 0));
    expect(c.digits).toBe(low.digits + high.digits);
    expect(c.qrPayload).toBe(`seed-sn:1:${toBase64Url(fromHex(low.fingerprint))}:${toBase64Url(fromHex(high.fingerprint))}`);
    const sn = await safetyNumber(
      provider,
      { userId: c.a.userId, accountKey: fromHex(c.a.accountKey) },
      { userId: c.b.userId, accountKey: fromHex(c.b.accountKey) },
    );
    expect(sn).toEqual({ digits: c.digits, display: c.display, qrPayload: c.qrPayload });
  });
  it.each(v.qrComparisons)('QR comparison $#', (c) => {
    const ours = { digits: '', display: '', qrPayload: c.ours as string };
    if (c.error) expect(() => safetyNumberQrMatches(ours, c.scanned)).toThrow(expect.objectContaining({ code: c.error }));
    else expect(safetyNumberQrMatches(ours, c.scanned)).toBe(c.match);
  });
});
