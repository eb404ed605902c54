/**
 * The contenders of the message section for one body size: our envelope seal/open, its stages alone
 * (so a missed target can be attributed to the stage that costs it, measured in the same rounds), raw
 * `node:crypto` AES-256-GCM and Ed25519, and the `pubnub` SDK's CryptoModule (ACRH).
 */
import { createCipheriv, createPrivateKey, createPublicKey, randomBytes, sign, verify } from 'node:crypto';
import PubNub from 'pubnub';
import { toBase64Url } from '../../src/common/encoding/base64url';
import { envelopeAad, envelopeSigningInput, parseEnvelope, type Envelope, type EnvelopeHeader } from '../../src/common/protocol/envelope';
import { openEnvelope, sealEnvelope, type OpenEnvelopeContext } from '../../src/common/protocol/envelopeSeal';
import { decodePlaintext, encodePlaintext } from '../../src/common/protocol/plaintext';
import { assertEnvelopePublishable } from '../../src/common/protocol/publishSize';
import { cipherKeyFor } from '../../src/common/protocol/pubnub/acrh';
import { bytesOf } from '../../src/common/protocol/wire';
import { MeasurementError } from '../lib/errors';
import { CHANNEL, CONVERSATION_ID, makeDevice, provider, sealInputOf, textMessage } from '../lib/fixtures';
import type { Candidate } from '../lib/throughput';

/** Candidate names, shared with the figures. */
export const C = {
  seal: 'seal+sign',
  aead: 'aead-only seal',
  rawGcm: 'raw gcm',
  sdkEncrypt: 'sdk encrypt',
  sdkDecrypt: 'sdk decrypt',
  rawSign: 'raw sign',
  open: 'open+verify',
  rawVerify: 'raw verify',
  stageSign: 'stage: provider sign',
  stageEncode: 'stage: encode plaintext',
  stageB64: 'stage: base64url encode ciphertext',
  stageSize: 'stage: publish-size check',
  stageParse: 'stage: parse envelope',
  stageDecode: 'stage: base64url decode ciphertext',
  stageVerify: 'stage: provider verify',
  stageDecrypt: 'stage: provider AES-GCM decrypt',
  stageDecodePlain: 'stage: decode plaintext',
} as const;

const ED25519_PKCS8_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');

/** Every candidate for a body of `bytes`, checked once before measuring. */
export async function messageCandidates(bytes: number): Promise<Candidate[]> {
  const sender = await makeDevice(1);
  const key = provider.randomBytes(32);
  const message = textMessage(bytes);
  const header: EnvelopeHeader = { v: 1, type: 'message', conversationId: CONVERSATION_ID, keyVersion: 1, senderDevice: sender.deviceId };
  const sealInput = sealInputOf(sender, key, bytes);
  const envelope: Envelope = await sealEnvelope(provider, sealInput);
  const wire: unknown = JSON.parse(JSON.stringify(envelope));
  const ctx: OpenEnvelopeContext = {
    conversationId: CONVERSATION_ID,
    keyForVersion: (v) => (v === 1 ? key : undefined),
    memberSigningKey: (d) => (d === sender.deviceId ? sender.ed25519.publicKey : undefined),
  };
  const opened = await openEnvelope(provider, wire, ctx);
  if (opened.message.type !== 'string' || opened.message.body.length !== bytes) throw new MeasurementError('open did not return the sealed body');

  const aad = envelopeAad(header);
  const plainBytes = encodePlaintext(message);
  const ciphertext = bytesOf(envelope.ciphertext);
  const signingInput = envelopeSigningInput(header, bytesOf(envelope.nonce), ciphertext);
  const signature = bytesOf(envelope.signature);
  const nonce = bytesOf(envelope.nonce);
  const signKey = createPrivateKey({ key: Buffer.concat([ED25519_PKCS8_PREFIX, sender.ed25519.privateKey]), format: 'der', type: 'pkcs8' });
  const verifyKey = createPublicKey(signKey);
  const rawGcmKey = randomBytes(32);
  const body = 'x'.repeat(bytes);
  const sdk = PubNub.CryptoModule?.aesCbcCryptoModule({ cipherKey: cipherKeyFor(key) });
  if (!sdk) throw new MeasurementError('the pubnub SDK has no CryptoModule');
  const sdkCiphertext = sdk.encrypt(body);
  if (typeof sdkCiphertext === 'string') throw new MeasurementError('the SDK CryptoModule returned text, expected bytes');

  return [
    { name: C.seal, run: () => sealEnvelope(provider, sealInput) },
    { name: C.aead, run: async () => toBase64Url(await provider.aes256GcmEncrypt(key, provider.randomBytes(12), encodePlaintext(message), aad)) },
    {
      name: C.rawGcm,
      run: () => {
        const c = createCipheriv('aes-256-gcm', rawGcmKey, randomBytes(12));
        c.setAAD(aad);
        return Buffer.concat([c.update(plainBytes), c.final(), c.getAuthTag()]);
      },
    },
    { name: C.sdkEncrypt, run: () => sdk.encrypt(body) },
    { name: C.sdkDecrypt, run: () => sdk.decrypt(sdkCiphertext) },
    { name: C.rawSign, run: () => sign(null, signingInput, signKey) },
    { name: C.open, run: () => openEnvelope(provider, wire, ctx) },
    { name: C.rawVerify, run: () => verify(null, signingInput, verifyKey, signature) },
    { name: C.stageSign, run: () => provider.ed25519Sign(sender.ed25519.privateKey, signingInput) },
    { name: C.stageEncode, run: () => encodePlaintext(message) },
    { name: C.stageB64, run: () => toBase64Url(ciphertext) },
    { name: C.stageSize, run: () => assertEnvelopePublishable(envelope, CHANNEL) },
    { name: C.stageParse, run: () => parseEnvelope(wire) },
    { name: C.stageDecode, run: () => bytesOf(envelope.ciphertext) },
    { name: C.stageVerify, run: () => provider.ed25519Verify(sender.ed25519.publicKey, signingInput, signature) },
    { name: C.stageDecrypt, run: () => provider.aes256GcmDecrypt(key, nonce, ciphertext, aad) },
    { name: C.stageDecodePlain, run: () => decodePlaintext(plainBytes) },
  ];
}
