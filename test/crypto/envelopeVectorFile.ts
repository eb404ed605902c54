/**
 * A vector file of sealed envelopes (test/vectors/chat-actions.json, presence.json, attachment-messages.json): its conversation key,
 * its devices, the opening context a receiver has, and a reseal of a recorded case from its inputs alone.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'vitest';
import { fromHex, toHex } from '../../src/common/encoding/bytes';
import type { ConversationId, DeviceId, UserId } from '../../src/common/ids';
import type { Envelope } from '../../src/common/protocol/envelope';
import { sealEnvelope } from '../../src/common/protocol/envelopeSeal';
import { encodePlaintext, type MessagePlaintext } from '../../src/common/protocol/plaintext';
import { provider } from './fixtures';

/* eslint-disable @typescript-eslint/no-explicit-any -- the vector file is untyped JSON, read field by field */
export type Case = Record<string, any>;
/* eslint-enable @typescript-eslint/no-explicit-any */

type VectorDevice = { userId: UserId; deviceId: DeviceId; ed25519: { privateKey: string; publicKey: string } };

export function envelopeVectorFile<T extends Case>(name: string) {
  const v = JSON.parse(readFileSync(join(__dirname, '..', 'vectors', name), 'utf8')) as T;
  const key = fromHex(v.conversationKey as string);
  const devices = v.devices as VectorDevice[];
  const userOf = (d: DeviceId) => devices.find((x) => x.deviceId === d)?.userId;
  const ctx = {
    conversationId: 'conv-vector-0001' as ConversationId,
    keyForVersion: (n: number) => (n === 1 ? key : undefined),
    memberSigningKey: (d: DeviceId) => {
      const device = devices.find((x) => x.deviceId === d);
      return device === undefined ? undefined : fromHex(device.ed25519.publicKey);
    },
  };
  /** Checks the case's plaintext bytes, then seals its inputs again and expects the recorded envelope byte for byte. */
  async function expectReseals(env: Envelope, plaintext: MessagePlaintext, c: Case): Promise<void> {
    expect(toHex(encodePlaintext(plaintext))).toBe(c.plaintextBytes);
    const resealed = await sealEnvelope(provider, {
      type: env.type,
      conversationId: env.conversationId,
      keyVersion: env.keyVersion,
      key,
      senderDevice: env.senderDevice,
      signingPrivateKey: fromHex(devices.find((d) => d.deviceId === env.senderDevice)!.ed25519.privateKey),
      plaintext,
      channel: `conv.${env.conversationId}`,
      nonce: fromHex(c.nonce),
    });
    expect(resealed).toEqual(env);
  }
  return { v, userOf, ctx, expectReseals };
}
