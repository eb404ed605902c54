/**
 * Key material and ids for the crypto sections, made with the provider the app would choose (libsodium where
 * it loads; `SEED_CRYPTO_PROVIDER=node|libsodium` forces one, and every section's notes name it): a sender device
 * (Ed25519 + X25519), a conversation key, and message plaintexts of a given body size.
 */
import type { CryptoProvider, RawKeyPair } from '../../src/common/crypto/provider';
import type { ConversationId, DeviceId, MessageId } from '../../src/common/ids';
import type { MessagePlaintext } from '../../src/common/protocol/plaintext';
import { unwrapKey, wrapKey } from '../../src/common/protocol/keyWrap';
import { chooseCryptoProvider } from '../../src/node/crypto/providers';
import { MeasurementError } from './errors';

const chosen = chooseCryptoProvider();
export const provider: CryptoProvider = chosen.provider;
/** The log line naming the provider in use, for the report's notes. */
export const providerLine: string = chosen.logLine;

export const CONVERSATION_ID = 'bench-conversation-0001' as ConversationId;
export const CHANNEL = `conv.${CONVERSATION_ID}`;

export interface BenchDevice {
  readonly deviceId: DeviceId;
  readonly ed25519: RawKeyPair;
  readonly x25519: RawKeyPair;
}

/** A device with fresh keys; ids are `bench-dev-<n>` (zero-padded, so sorted order is numeric order). */
export async function makeDevice(n: number): Promise<BenchDevice> {
  return {
    deviceId: `bench-dev-${String(n).padStart(6, '0')}` as DeviceId,
    ed25519: await provider.ed25519GenerateKeyPair(),
    x25519: await provider.x25519GenerateKeyPair(),
  };
}

/** A string message whose body is `bytes` ASCII bytes. */
export function textMessage(bytes: number, seq = 0): MessagePlaintext {
  return {
    id: `bench-msg-${String(seq).padStart(10, '0')}` as MessageId,
    sentAt: 1_700_000_000_000 + seq,
    type: 'string',
    body: 'x'.repeat(bytes),
  };
}

/** The inputs of one conversation-key wrap to `recipient` (version 2) and of its unwrap, checked to round-trip. */
export async function wrapRoundTrip(p: CryptoProvider, recipient: BenchDevice, key: Uint8Array) {
  const wrapInput = {
    purpose: 'conversation',
    scopeId: CONVERSATION_ID,
    version: 2,
    recipientDeviceId: recipient.deviceId,
    recipientPublicKey: recipient.x25519.publicKey,
    key,
  } as const;
  const wrap = await wrapKey(p, wrapInput);
  const unwrapInput = {
    purpose: 'conversation',
    scopeId: CONVERSATION_ID,
    version: 2,
    wrap,
    deviceId: recipient.deviceId,
    privateKey: recipient.x25519.privateKey,
    publicKey: recipient.x25519.publicKey,
  } as const;
  if (Buffer.compare(Buffer.from(await unwrapKey(p, unwrapInput)), Buffer.from(key)) !== 0) throw new MeasurementError('unwrap did not return the wrapped key');
  return { wrapInput, wrap, unwrapInput };
}

/** The input of sealing a `bytes`-byte text message from `sender` under `key` (version 1). */
export function sealInputOf(sender: BenchDevice, key: Uint8Array, bytes: number) {
  return {
    conversationId: CONVERSATION_ID,
    keyVersion: 1,
    key,
    senderDevice: sender.deviceId,
    signingPrivateKey: sender.ed25519.privateKey,
    plaintext: textMessage(bytes),
    channel: CHANNEL,
  };
}
