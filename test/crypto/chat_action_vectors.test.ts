/**
 * Replays test/vectors/chat-actions.json (docs/protocol.md §7.7) from its recorded inputs alone: each valid
 * reply, edit and delete reseals byte for byte and opens to its action; each invalid case fails with its
 * code — at the envelope (`bad_signature`), at decoding (`malformed`), or when applied to the author's
 * message (`not_author`, `checkAuthor`); the ordering cases pick the current edit whatever the arrival order.
 */
import { describe, expect, it } from 'vitest';
import type { UserId } from '../../src/common/ids';
import { ChatLedger } from '../../src/common/messaging/chatLedger';
import { checkAuthor, decodeChatAction, isNewerEdit } from '../../src/common/protocol/chatAction';
import type { Envelope } from '../../src/common/protocol/envelope';
import { openEnvelope } from '../../src/common/protocol/envelopeSeal';
import type { MessagePlaintext } from '../../src/common/protocol/plaintext';
import { envelopeVectorFile, type Case } from './envelopeVectorFile';
import { provider } from './fixtures';

const { v, userOf, ctx, expectReseals } = envelopeVectorFile<{ valid: Case[]; invalid: Case[]; ordering: Case[] } & Case>('chat-actions.json');

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
    await expectReseals(env, plaintext, c);
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
