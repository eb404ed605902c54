/**
 * Replays test/vectors/membership-disappearing.json (docs/protocol.md §15.8) from the file alone: every
 * valid statement is signed again byte for byte and the chain verifies to the stated state (the timer
 * included); every invalid chain fails with its stated code; every message gets the stated time, timer and
 * expiry.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { canonicalJson } from '../../src/common/encoding/canonicalJson';
import { fromHex, toHex, tuple } from '../../src/common/encoding/bytes';
import { expiresAt, messageTime, timerAt, timerChanges } from '../../src/common/protocol/disappearing';
import { SignerNotCertifiedError } from '../../src/common/protocol/errors';
import { extendMembership, type SignerResolver } from '../../src/common/protocol/membershipChain';
import type { MembershipHead } from '../../src/common/protocol/membershipHead';
import type { MembershipState } from '../../src/common/protocol/membershipRules';
import {
  MEMBERSHIP_HASH_DOMAIN,
  membershipHash,
  membershipSigningInput,
  signMembershipStatement,
  type MembershipStatement,
} from '../../src/common/protocol/membershipStatement';
import { provider } from './fixtures';

interface VectorFile {
  conversationId: string;
  accounts: Record<string, { privateKey: string; publicKey: string }>;
  devices: { deviceId: string; userId: string; ed25519: { privateKey: string }; certificate: unknown }[];
  valid: { name: string; statement: MembershipStatement; canonicalJson: string; signingInput: string; hashInput: string; hash: string; stateAfter: unknown }[];
  invalid: { name: string; pinnedThrough: number | null; statements: unknown[]; servedHead: MembershipHead | null; error: string }[];
  messages: { name: string; timetoken: string; sentAt: number; time: number; timerSeconds: number; expiresAt: number | null }[];
}

const v = JSON.parse(readFileSync(join(__dirname, '..', 'vectors', 'membership-disappearing.json'), 'utf8')) as VectorFile;
const signerOf: SignerResolver = async (actor, actorDevice) => {
  const device = v.devices.find((d) => d.deviceId === actorDevice);
  const account = v.accounts[actor];
  if (!device || !account) throw new SignerNotCertifiedError(`unknown signer ${actor}/${actorDevice}`);
  return { certificate: device.certificate, accountKey: fromHex(account.publicKey) };
};
const stateJson = (state: MembershipState) => ({
  kind: state.kind,
  historyPolicy: state.historyPolicy,
  members: [...state.members].sort(([a], [b]) => (a < b ? -1 : 1)).map(([userId, m]) => ({ userId, role: m.role, joinedSeq: m.joinedSeq })),
  head: state.head,
  disappearingSeconds: state.disappearingSeconds,
});
const verify = (statements: readonly unknown[], from: MembershipState | null, servedHead: MembershipHead | null) =>
  extendMembership(provider, { conversationId: v.conversationId, from, statements, servedHead, signerOf });
const pinnedAt = async (seq: number) =>
  (
    await verify(
      v.valid.slice(0, seq + 1).map((c) => c.statement),
      null,
      { seq, hash: v.valid[seq]!.hash },
    )
  ).state;

describe('membership-disappearing.json', () => {
  it.each(v.valid.map((c, i) => ({ ...c, i })))('valid: $name', async (c) => {
    const s = c.statement;
    const device = v.devices.find((d) => d.deviceId === s.actorDevice)!;
    const signed = await signMembershipStatement(provider, {
      conversationId: s.conversationId,
      after: c.i === 0 ? null : { seq: c.i - 1, hash: v.valid[c.i - 1]!.hash },
      at: s.at,
      actor: s.actor,
      actorDevice: s.actorDevice,
      change: s.change,
      signingPrivateKey: fromHex(device.ed25519.privateKey),
    });
    expect(signed).toEqual(s);
    const { signature: _signature, ...unsigned } = s;
    expect(canonicalJson(unsigned)).toBe(c.canonicalJson);
    expect(toHex(membershipSigningInput(s))).toBe(c.signingInput);
    expect(toHex(tuple(MEMBERSHIP_HASH_DOMAIN, canonicalJson(s)))).toBe(c.hashInput);
    expect(await membershipHash(provider, s)).toBe(c.hash);
    const { state } = await verify([s], c.i === 0 ? null : await pinnedAt(c.i - 1), { seq: s.seq, hash: c.hash });
    expect(stateJson(state)).toEqual(c.stateAfter);
  });

  it.each(v.invalid)('invalid: $name → $error', async (c) => {
    const from = c.pinnedThrough === null ? null : await pinnedAt(c.pinnedThrough);
    await expect(verify(c.statements, from, c.servedHead)).rejects.toMatchObject({ code: c.error });
  });

  it.each(v.messages)('message: $name', (m) => {
    const changes = timerChanges(v.valid.map((c) => c.statement));
    expect(messageTime(m.timetoken, m.sentAt)).toBe(m.time);
    expect(timerAt(changes, m.time)).toBe(m.timerSeconds);
    expect(expiresAt(changes, m.timetoken, m.sentAt)).toBe(m.expiresAt);
  });
});
