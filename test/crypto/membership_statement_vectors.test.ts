/**
 * Replays test/vectors/membership-statements.json (docs/protocol.md §15) from the file alone: every valid
 * statement is signed again byte for byte from its inputs (canonical JSON, signing input, signature, hash
 * input, hash) and the chain verifies to the stated state after each statement; every invalid case —
 * served to a verifier that pinned the valid chain through `pinnedThrough`, or to one without a pin — fails
 * with its stated error code.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { canonicalJson } from '../../src/common/encoding/canonicalJson';
import { fromHex, toHex, tuple } from '../../src/common/encoding/bytes';
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

interface StateJson {
  kind: string;
  historyPolicy: string;
  members: { userId: string; role: string; joinedSeq: number }[];
  head: MembershipHead;
}
interface ValidCase {
  name: string;
  statement: MembershipStatement;
  canonicalJson: string;
  signingInput: string;
  hashInput: string;
  hash: string;
  stateAfter: StateJson;
}
interface InvalidCase {
  name: string;
  pinnedThrough: number | null;
  statements: unknown[];
  servedHead: MembershipHead | null;
  error: string;
}
interface MembershipFile {
  conversationId: string;
  accounts: Record<string, { privateKey: string; publicKey: string }>;
  devices: { deviceId: string; userId: string; ed25519: { privateKey: string }; certificate: unknown }[];
  valid: ValidCase[];
  invalid: InvalidCase[];
}

const v = JSON.parse(readFileSync(join(__dirname, '..', 'vectors', 'membership-statements.json'), 'utf8')) as MembershipFile;
const signerOf: SignerResolver = async (actor, actorDevice) => {
  const device = v.devices.find((d) => d.deviceId === actorDevice);
  const account = v.accounts[actor];
  if (!device || !account) throw new SignerNotCertifiedError(`unknown signer ${actor}/${actorDevice}`);
  return { certificate: device.certificate, accountKey: fromHex(account.publicKey) };
};
const stateJson = (state: MembershipState): StateJson => ({
  kind: state.kind,
  historyPolicy: state.historyPolicy,
  members: [...state.members].sort(([a], [b]) => (a < b ? -1 : 1)).map(([userId, m]) => ({ userId, role: m.role, joinedSeq: m.joinedSeq })),
  head: state.head,
});
const verify = (statements: readonly unknown[], from: MembershipState | null, servedHead: MembershipHead | null) =>
  extendMembership(provider, { conversationId: v.conversationId, from, statements, servedHead, signerOf });

/** The state a verifier pinned after verifying the valid chain through `seq`. */
async function pinnedAt(seq: number): Promise<MembershipState> {
  const statements = v.valid.slice(0, seq + 1).map((c) => c.statement);
  return (await verify(statements, null, { seq, hash: v.valid[seq]!.hash })).state;
}

describe('membership-statements.json', () => {
  it.each(v.valid.map((c, i) => ({ ...c, i })))('valid: $name', async (c) => {
    const s = c.statement;
    const device = v.devices.find((d) => d.deviceId === s.actorDevice)!;
    const previous = c.i === 0 ? null : { seq: c.i - 1, hash: v.valid[c.i - 1]!.hash };
    const signed = await signMembershipStatement(provider, {
      conversationId: s.conversationId,
      after: previous,
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
    const from = c.i === 0 ? null : await pinnedAt(c.i - 1);
    const { state } = await verify([s], from, { seq: s.seq, hash: c.hash });
    expect(stateJson(state)).toEqual(c.stateAfter);
  });

  it('the whole chain verifies from the genesis to the last state', async () => {
    const last = v.valid.at(-1)!;
    const { state, added } = await verify(
      v.valid.map((c) => c.statement),
      null,
      last.stateAfter.head,
    );
    expect(stateJson(state)).toEqual(last.stateAfter);
    expect(added.map((a) => a.hash)).toEqual(v.valid.map((c) => c.hash));
  });

  it.each(v.invalid)('invalid: $name → $error', async (c) => {
    const from = c.pinnedThrough === null ? null : await pinnedAt(c.pinnedThrough);
    await expect(verify(c.statements, from, c.servedHead)).rejects.toMatchObject({ code: c.error });
  });
});
