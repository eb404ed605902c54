/**
 * The disappearing-messages timer as a signed membership statement (docs/protocol.md §15.8): an admin's
 * statement sets it and every verifier computes the same timer; the key service (the attacker here) cannot
 * set it, change it, remove it or roll it back, and a plain member cannot set it — each attempt is refused
 * by the chain verifier every client runs (membershipChain.ts) with a typed error.
 */
import { describe, expect, it } from 'vitest';
import { toBase64Url } from '../../src/common/encoding/base64url';
import type { ConversationId } from '../../src/common/ids';
import { currentTimer, expiresAt, messageTime, timerChanges, timerText } from '../../src/common/protocol/disappearing';
import { BadSignatureError, MalformedError } from '../../src/common/protocol/errors';
import { extendMembership, MembershipForkError, MembershipRollbackError } from '../../src/common/protocol/membershipChain';
import { MembershipRuleError, type MembershipState } from '../../src/common/protocol/membershipRules';
import {
  membershipHash,
  membershipSigningInput,
  signMembershipStatement,
  type MembershipChange,
  type MembershipStatement,
} from '../../src/common/protocol/membershipStatement';
import { makeUser, provider, type TestUser } from './fixtures';

const conv = 'conv-disappear-01' as ConversationId;
const DAY = 86_400;

async function world() {
  const [alice, bob, carol, mallory] = await Promise.all([makeUser('alice'), makeUser('bob'), makeUser('carol'), makeUser('mallory')]);
  const users: TestUser[] = [alice, bob, carol, mallory];
  const signerOf = async (actor: string, actorDevice: string) => {
    const user = users.find((u) => u.userId === actor);
    const device = user?.devices.find((d) => d.deviceId === actorDevice);
    if (!user || !device) throw new Error(`unknown signer ${actor}/${actorDevice}`);
    return { certificate: device.certificate, accountKey: user.account.publicKey };
  };
  const chain: MembershipStatement[] = [];
  let at = 1_735_689_700_000;
  const sign = async (actor: TestUser, change: MembershipChange, after: MembershipStatement | undefined = chain.at(-1)) =>
    signMembershipStatement(provider, {
      conversationId: conv,
      after: after === undefined ? null : { seq: after.seq, hash: await membershipHash(provider, after) },
      at: (at += 60_000),
      actor: actor.userId,
      actorDevice: actor.devices[0]!.deviceId,
      change,
      signingPrivateKey: actor.devices[0]!.keys.ed25519.privateKey,
    });
  const append = async (actor: TestUser, change: MembershipChange) => {
    const s = await sign(actor, change);
    chain.push(s);
    return s;
  };
  const verify = async (statements: readonly unknown[], from: MembershipState | null = null, servedHead?: { seq: number; hash: string } | null) => {
    const last = statements.at(-1) as MembershipStatement | undefined;
    const head = servedHead !== undefined ? servedHead : last ? { seq: last.seq, hash: await membershipHash(provider, last) } : (from?.head ?? null);
    return extendMembership(provider, { conversationId: conv, from, statements, servedHead: head, signerOf });
  };
  await append(alice, {
    type: 'create',
    kind: 'group',
    historyPolicy: 'shared',
    members: [
      { userId: alice.userId, role: 'owner' },
      { userId: bob.userId, role: 'admin' },
      { userId: carol.userId, role: 'member' },
    ],
  });
  return { alice, bob, carol, mallory, chain, sign, append, verify };
}

/** The statement re-signed by nobody: same content, a signature the key service made up or altered content. */
const withSignature = (s: MembershipStatement, signature: Uint8Array): MembershipStatement => ({ ...s, signature: toBase64Url(signature) });

describe('disappearing timer: the honest flow', () => {
  it('an admin sets the timer, the owner turns it off; every verifier computes the same timer and changes', async () => {
    const w = await world();
    await w.append(w.bob, { type: 'disappearing', seconds: DAY });
    const { state: set } = await w.verify(w.chain);
    expect(set.disappearingSeconds).toBe(DAY);
    await w.append(w.alice, { type: 'disappearing', seconds: 0 });
    const { state: off } = await w.verify(w.chain);
    expect(off.disappearingSeconds).toBe(0);
    const changes = timerChanges(w.chain);
    expect(changes.map((c) => c.seconds)).toEqual([DAY, 0]);
    expect(currentTimer(changes)).toBe(0);
    expect(timerText(DAY)).toBe('1 day');
    expect(timerText(2_419_200)).toBe('4 weeks');
  });

  it('a message takes the timer in effect when it was sent; expiry runs from its time on the relay, bounded by the signed sentAt', async () => {
    const changes = [
      { seq: 3, at: 1_000_000, seconds: 300 },
      { seq: 4, at: 2_000_000, seconds: 0 },
    ];
    const tt = (ms: number) => String(BigInt(ms) * 10_000n);
    expect(expiresAt(changes, tt(999_999), 999_999)).toBeNull(); // before the timer
    expect(expiresAt(changes, tt(1_500_000), 1_500_000)).toBe(1_500_000 + 300_000);
    expect(expiresAt(changes, tt(2_500_000), 2_500_000)).toBeNull(); // after it was turned off
    // A relay that dates the message far later cannot stretch its life beyond sentAt + 2 minutes.
    expect(messageTime(tt(1_500_000 + 3_600_000), 1_500_000)).toBe(1_500_000 + 120_000);
    expect(expiresAt([], tt(1_500_000), 1_500_000)).toBeNull();
  });
});

describe('disappearing timer: attacks', () => {
  it('a non-admin member cannot set it: membership_rule', async () => {
    const w = await world();
    await w.append(w.carol, { type: 'disappearing', seconds: DAY });
    await expect(w.verify(w.chain)).rejects.toBeInstanceOf(MembershipRuleError);
  });

  it('a non-member cannot set it: membership_rule', async () => {
    const w = await world();
    await w.append(w.mallory, { type: 'disappearing', seconds: DAY });
    await expect(w.verify(w.chain)).rejects.toBeInstanceOf(MembershipRuleError);
  });

  it('the key service cannot set it: a statement in an admin’s name it signed itself, or left unsigned, is bad_signature', async () => {
    const w = await world();
    const forged = await w.sign(w.bob, { type: 'disappearing', seconds: DAY });
    const serviceKey = await provider.ed25519GenerateKeyPair();
    const selfSigned = withSignature(forged, await provider.ed25519Sign(serviceKey.privateKey, membershipSigningInput(forged)));
    await expect(w.verify([...w.chain, selfSigned])).rejects.toBeInstanceOf(BadSignatureError);
    const unsigned = withSignature(forged, new Uint8Array(64));
    await expect(w.verify([...w.chain, unsigned])).rejects.toBeInstanceOf(BadSignatureError);
    const { signature: _dropped, ...noSignature } = forged;
    await expect(w.verify([...w.chain, noSignature])).rejects.toBeInstanceOf(MalformedError);
  });

  it('the key service cannot change or remove it: an admin’s statement altered to another timer or to off is bad_signature', async () => {
    const w = await world();
    const real = await w.append(w.bob, { type: 'disappearing', seconds: DAY });
    const prefix = w.chain.slice(0, -1);
    for (const seconds of [300, 0] as const) {
      const altered = { ...real, change: { type: 'disappearing' as const, seconds } };
      await expect(w.verify([...prefix, altered])).rejects.toBeInstanceOf(BadSignatureError);
    }
  });

  it('a timer outside the allowed list is malformed, even when signed by the owner', async () => {
    const w = await world();
    const odd = await w.sign(w.alice, { type: 'disappearing', seconds: DAY });
    await expect(w.verify([...w.chain, { ...odd, change: { type: 'disappearing', seconds: 60 } }])).rejects.toBeInstanceOf(MalformedError);
    const servedHead = { seq: odd.seq, hash: await membershipHash(provider, odd) };
    await expect(w.verify([...w.chain, { ...odd, change: { type: 'disappearing', seconds: -0 } }], null, servedHead)).rejects.toBeInstanceOf(MalformedError);
  });

  it('the key service cannot roll it back: an older head after a verifier pinned the timer is membership_rollback', async () => {
    const w = await world();
    await w.append(w.bob, { type: 'disappearing', seconds: 300 });
    const { state: short } = await w.verify(w.chain);
    await w.append(w.bob, { type: 'disappearing', seconds: DAY });
    const { state: pinned } = await w.verify(w.chain);
    expect(pinned.disappearingSeconds).toBe(DAY);
    // Served: the chain as it was before the 1-day statement (head at the 5-minute one).
    await expect(w.verify([], pinned, short.head)).rejects.toBeInstanceOf(MembershipRollbackError);
    // Or: no timer at all (the genesis as the head).
    await expect(w.verify([], pinned, { seq: 0, hash: await membershipHash(provider, w.chain[0]!) })).rejects.toBeInstanceOf(MembershipRollbackError);
  });

  it('the key service cannot swap the statement the verifier pinned for an older timer: membership_fork', async () => {
    const w = await world();
    await w.append(w.bob, { type: 'disappearing', seconds: DAY });
    const { state: pinned } = await w.verify(w.chain);
    // An honest-looking alternative the admin once signed at the same position (e.g. 5 minutes), replayed.
    const other = await w.sign(w.bob, { type: 'disappearing', seconds: 300 }, w.chain[0]);
    await expect(w.verify([], pinned, { seq: other.seq, hash: await membershipHash(provider, other) })).rejects.toBeInstanceOf(MembershipForkError);
  });

  it('setting the timer it already has is refused: membership_rule', async () => {
    const w = await world();
    await w.append(w.bob, { type: 'disappearing', seconds: 0 });
    await expect(w.verify(w.chain)).rejects.toBeInstanceOf(MembershipRuleError);
  });
});
