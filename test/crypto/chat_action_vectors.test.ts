/**
 * Replays test/vectors/chat-actions.json (docs/protocol.md §7.7) from its recorded inputs alone: each valid
 * reply, edit and delete reseals byte for byte and opens to its action; each invalid case fails with its
 * code — at the envelope (`bad_signature`), at decoding (`malformed`), or when applied to the author's
 * message (`not_author`, `checkAuthor`); the ordering cases pick the current edit whatever the arrival order.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fromHex, toHex } from '../../src/common/encoding/bytes';
import type { ConversationId, DeviceId, UserId } from '../../src/common/ids';
import { ChatLedger } from '../../src/common/messaging/chatLedger';
import { checkAuthor, decodeChatAction, isNewerEdit } from '../../src/common/protocol/chatAction';
import type { Envelope } from '../../src/common/protocol/envelope';
import { openEnvelope, sealEnvelope } from '../../src/common/protocol/envelopeSeal';
import { encodePlaintext, type MessagePlaintext } from '../../src/common/protocol/plaintext';
import { provider } from './fixtures';

/* eslint-disable @typescript-eslint/no-explicit-any -- the vector file is untyped JSON, read field by field */
type Case = Record<string, any>;
const v = JSON.parse(readFileSync(join(__dirname, '..', 'vectors', 'chat-actions.json'), 'utf8')) as {
  valid: Case[];
  invalid: Case[];
  ordering: Case[];
} & Case;
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

/** Opens, decodes and — for an edit or delete — applies to the author's message, as a receiver does. */
async function receive(envelope: unknown) {
  const opened = await openEnvelope(provider, envelope, ctx);
  const action = decodeChatAction(opened.header.type, opened.message);
  if (action?.kind === 'edit' || action?.kind === 'delete') checkAuthor(action, userOf(opened.header.senderDevice)!, v.author.userId as UserId);
  return { opened, action };
}

describe('chat-actions.json', () => {
  it.each(v.valid)('valid: $name', async (c) => {
    const env = c.envelope as Envelope;
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
    const { opened, action } = await receive(env);
    expect(opened.message).toEqual(plaintext);
    expect(action).toEqual(c.action);
  });

  it.each(v.invalid)('invalid: $name → $error', async (c) => {
    await expect(receive(c.envelope)).rejects.toMatchObject({ code: c.error });
  });

  it.each(v.ordering)('ordering: $name', (c) => {
    const edits = c.edits as { id: string; sentAt: number; text: string }[];
    for (const order of [edits, [...edits].reverse(), [...edits, ...edits]]) {
      expect(order.reduce((a, b) => (isNewerEdit(b, a) ? b : a)).text).toBe(c.current);
      const ledger = new ChatLedger();
      for (const e of order)
        ledger.add({
          timetoken: '1',
          id: e.id as never,
          sentAt: e.sentAt,
          senderUser: 'u' as UserId,
          action: { kind: 'edit', target: 'm' as never, text: e.text },
        });
      expect(ledger.resolve('m' as never, 'u' as UserId).text).toBe(c.current);
    }
  });
});
