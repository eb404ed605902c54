/**
 * Replays test/vectors/presence.json (docs/protocol.md §7.8) from its recorded inputs alone: each valid status
 * reseals byte for byte and opens, in the state of its sender, to its availability and text; each invalid
 * case fails with its code in the order §7.8 gives — the type (`wrong_envelope_type`), the envelope checks
 * (`bad_signature`), the body (`malformed`), the owner of the state (`presence_not_own`).
 */
import { describe, expect, it } from 'vitest';
import type { Envelope } from '../../src/common/protocol/envelope';
import { openEnvelope } from '../../src/common/protocol/envelopeSeal';
import { WrongEnvelopeTypeError } from '../../src/common/protocol/errors';
import type { MessagePlaintext } from '../../src/common/protocol/plaintext';
import { checkOwnStatus, decodePresenceStatus } from '../../src/common/protocol/presenceStatus';
import { envelopeVectorFile, type Case } from './envelopeVectorFile';
import { provider } from './fixtures';

const { v, userOf, ctx, expectReseals } = envelopeVectorFile<{ valid: Case[]; invalid: Case[] } & Case>('presence.json');

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
    await expectReseals(env, plaintext, c);
    const { opened, status } = await receive(c.state, c.stateOf);
    expect(opened.message).toEqual(plaintext);
    expect(status).toEqual(c.status);
  });

  it.each(v.invalid)('invalid: $name → $error', async (c) => {
    await expect(receive(c.state, c.stateOf)).rejects.toMatchObject({ code: c.error });
  });
});
