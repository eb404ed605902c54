/**
 * Key material and ids for the crypto sections, made with the provider the app would choose (libsodium where
 * it loads; `SEED_CRYPTO_PROVIDER=node|libsodium` forces one, and every section's notes name it): a sender device
 * (Ed25519 + X25519), a conversation key, and message plaintexts of a given body size.
 */
import type { CryptoProvider, RawKeyPair } from '../../src/common/crypto/provider';
import type { ConversationId, DeviceId, MessageId } from '../../src/common/ids';
import type { MessagePlaintext } from '../../src/common/protocol/plaintext';
import { chooseCryptoProvider } from '../../src/node/crypto/providers';

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
