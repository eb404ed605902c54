/**
 * Replays test/vectors/presence.json (docs/protocol.md §7.8) from its recorded inputs alone: each valid status
 * reseals byte for byte and opens, in the state of its sender, to its availability and text; each invalid
 * case fails with its code in the order §7.8 gives — the type (`wrong_envelope_type`), the envelope checks
 * (`bad_signature`), the body (`malformed`), the owner of the state (`presence_not_own`).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fromHex, toHex } from '../../src/common/encoding/bytes';
import type { ConversationId, DeviceId, UserId } from '../../src/common/ids';
import type { Envelope } from '../../src/common/protocol/envelope';
import { openEnvelope, sealEnvelope } from '../../src/common/protocol/envelopeSeal';
import { WrongEnvelopeTypeError } from '../../src/common/protocol/errors';
import { encodePlaintext, type MessagePlaintext } from '../../src/common/protocol/plaintext';
import { checkOwnStatus, decodePresenceStatus } from '../../src/common/protocol/presenceStatus';
import { provider } from './fixtures';

/* eslint-disable @typescript-eslint/no-explicit-any -- the vector file is untyped JSON, read field by field */
type Case = Record<string, any>;
const v = JSON.parse(readFileSync(join(__dirname, '..', 'vectors', 'presence.json'), 'utf8')) as { valid: Case[]; invalid: Case[] } & Case;
/* eslint-enable @typescript-eslint/no-explicit-any */
const key = fromHex(v.conversationKey as string);
const devices = v.devices as { userId: UserId; deviceId: DeviceId; ed25519: { privateKey: string; publicKey: string } }[];
const userOf = (d: DeviceId) => devices.find((x) => x.deviceId === d)?.userId;
const ctx = {
  conversationId: 'conv-vector-0001' as ConversationId,
  keyForVersion: (n: number) => (n === 1 ? key : undefined),
  memberSigningKey: (d: DeviceId) => {
    const device = devices.find((x) => x.deviceId === d);
    return device === undefined ? undefined : fromHex(device.ed25519.publicKey);
  },
};

/** What a receiver does with the state `{"seed": E}` of `stateOf` (§7.8). */
async function receive(state: { seed: Record<string, unknown> }, stateOf: string) {
  if (state.seed.type !== 'presence') throw new WrongEnvelopeTypeError(`a ${String(state.seed.type)} envelope is not a presence status`);
  const opened = await openEnvelope(provider, state.seed, ctx);
  const status = decodePresenceStatus(opened.header.type, opened.message);
  checkOwnStatus(stateOf, userOf(opened.header.senderDevice)!);
  return { opened, status };
}

describe('presence.json', () => {
  it.each(v.valid)('valid: $name', async (c) => {
    const env = c.state.seed as Envelope;
    const plaintext = c.plaintext as MessagePlaintext;
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
    const { opened, status } = await receive(c.state, c.stateOf);
    expect(opened.message).toEqual(plaintext);
    expect(status).toEqual(c.status);
  });

  it.each(v.invalid)('invalid: $name → $error', async (c) => {
    await expect(receive(c.state, c.stateOf)).rejects.toMatchObject({ code: c.error });
  });
});
