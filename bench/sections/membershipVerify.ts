/**
 * Section "membership verification" (docs/benchmarks.md, `membership`): what verifying a conversation's
 * membership chain (docs/protocol.md §15.4) costs a client, with the real protocol functions
 * (`extendMembership`, `membershipAt`; membershipChain.ts) on the Node provider, one core:
 *   (a) a genesis of 1,000 and of 5,000 members verified from scratch (parse, certificate + signature,
 *       hash, the genesis rules);
 *   (b) a 1,000-member genesis and 1,000 single statements after it (adds and removes by the owner and two
 *       admins, each signing with one of their two devices) verified from the genesis, and extending a
 *       pinned chain by one statement;
 *   (c) `membershipAt` on that 1,000-statement chain (replaying the rules; no crypto).
 * Peer, in the same rounds: raw node:crypto Ed25519 verify, the floor of every statement (two verifies:
 * the actor device's certificate under the account key, then the statement). Signer resolution is a map
 * of pre-built certificates and account keys (no directory request); statements went through JSON as on
 * the wire, parsed once before timing.
 */
import { createPublicKey, verify } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { toBase64Url } from '../../src/common/encoding/base64url';
import type { DeviceId, UserId } from '../../src/common/ids';
import { signDeviceCertificate, verifyDeviceCertificate, type DeviceCertificate } from '../../src/common/protocol/deviceCertificate';
import { extendMembership, membershipAt, type SignerResolver, type VerifiedStatement } from '../../src/common/protocol/membershipChain';
import type { MembershipHead } from '../../src/common/protocol/membershipHead';
import { applyMembership, type MembershipState } from '../../src/common/protocol/membershipRules';
import {
  membershipHash,
  membershipSigningInput,
  parseMembershipStatement,
  signMembershipStatement,
  type MembershipChange,
  type MembershipStatement,
  type StatementSigner,
} from '../../src/common/protocol/membershipStatement';
import { MeasurementError } from '../lib/errors';
import { CONVERSATION_ID, provider } from '../lib/fixtures';
import type { Section, SectionContext, SectionOutcome } from '../lib/section';
import { pairedRatios, spreadOf } from '../lib/stats';
import { measureSideBySide, rateOf } from '../lib/throughput';
import type { Figure, Spread } from '../lib/types';

/** The rotation budgets (section `rotation_e2e`) the verification comes out of. */
const BUDGET_MS: Readonly<Record<number, number>> = { 1000: 1000, 5000: 3000 };
const GENESIS_SIZES = [1000, 5000] as const;
const CHAIN_MEMBERS = 1000;
const CHAIN_STATEMENTS = 1000;
const ED25519_SPKI_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');

const userId = (prefix: string, n: number) => `bench-${prefix}-${String(n).padStart(6, '0')}` as UserId;

interface ActorDevice {
  readonly userId: UserId;
  readonly deviceId: DeviceId;
  readonly signingPrivateKey: Uint8Array;
}

/** Actors with certified devices: their devices for signing, and the resolver a verifier uses. */
async function makeActors(names: readonly string[], devicesEach: number): Promise<{ devices: ActorDevice[]; signerOf: SignerResolver; certificates: number }> {
  const signers = new Map<string, StatementSigner>();
  const devices: ActorDevice[] = [];
  for (const [i, name] of names.entries()) {
    const account = await provider.ed25519GenerateKeyPair();
    for (let d = 0; d < devicesEach; d++) {
      const device = { ed25519: await provider.ed25519GenerateKeyPair(), x25519: await provider.x25519GenerateKeyPair() };
      const deviceId = `bench-dev-${name}-${d}` as DeviceId;
      const certificate: DeviceCertificate = await signDeviceCertificate(
        provider,
        {
          v: 1,
          userId: userId(name, i),
          deviceId,
          deviceName: `${name} device ${d + 1}`,
          platform: 'desktop',
          x25519: toBase64Url(device.x25519.publicKey),
          ed25519: toBase64Url(device.ed25519.publicKey),
          createdAt: 1_700_000_000_000,
          accountKey: toBase64Url(account.publicKey),
        },
        account.privateKey,
      );
      // As from the directory's JSON: the verifier parses and checks it again for every statement.
      signers.set(`${userId(name, i)}/${deviceId}`, { certificate: JSON.parse(JSON.stringify(certificate)) as unknown, accountKey: account.publicKey });
      devices.push({ userId: userId(name, i), deviceId, signingPrivateKey: device.ed25519.privateKey });
    }
  }
  const signerOf: SignerResolver = (actor, actorDevice) => {
    const signer = signers.get(`${actor}/${actorDevice}`);
    return signer ? Promise.resolve(signer) : Promise.reject(new MeasurementError(`no signer for ${actor}/${actorDevice}`));
  };
  return { devices, signerOf, certificates: signers.size };
}

/** The stages of verifying one statement, measured alone in the same rounds (what the floor ratio is made of). */
const STAGE = {
  parse: 'stage: parse the statement (zod, shape checks)',
  certificate: "stage: the actor device's certificate (parse + Ed25519 verify under the account key)",
  signature: 'stage: the statement signature (canonical JSON of the statement + Ed25519 verify)',
  hash: 'stage: the chain hash (canonical JSON + SHA-256)',
  rules: 'stage: the rules (applyMembership, copy of a 1,000-member map)',
} as const;

const OWNER = 'owner';
const ADMINS = ['admin-a', 'admin-b'] as const;

interface Chain {
  /** As on the wire (JSON), genesis first. */
  readonly wire: readonly unknown[];
  readonly heads: readonly MembershipHead[];
  readonly bytes: number;
}

/**
 * A genesis of `members` (the owner, two admins, plain members) and `statements` single changes after it:
 * odd seqs add a new member, even seqs remove a genesis plain member; the signer cycles over the owner's
 * and the admins' devices.
 */
async function buildChain(actors: readonly ActorDevice[], members: number, statements: number): Promise<Chain> {
  const owner = actors[0] as ActorDevice;
  const admins = new Set(actors.filter((a) => a.userId !== owner.userId).map((a) => a.userId));
  const plain = Array.from({ length: members - 1 - admins.size }, (_, i) => userId('member', i));
  const genesis = await signMembershipStatement(provider, {
    conversationId: CONVERSATION_ID,
    after: null,
    at: 1_700_000_000_000,
    actor: owner.userId,
    actorDevice: owner.deviceId,
    change: {
      type: 'create',
      kind: 'group',
      historyPolicy: 'shared',
      members: [
        { userId: owner.userId, role: 'owner' },
        ...[...admins].map((u) => ({ userId: u, role: 'admin' as const })),
        ...plain.map((u) => ({ userId: u, role: 'member' as const })),
      ],
    },
    signingPrivateKey: owner.signingPrivateKey,
  });
  const chain: MembershipStatement[] = [genesis];
  const heads: MembershipHead[] = [{ seq: 0, hash: await membershipHash(provider, genesis) }];
  for (let seq = 1; seq <= statements; seq++) {
    const signer = actors[seq % actors.length] as ActorDevice;
    const change: MembershipChange =
      seq % 2 === 1 ? { type: 'add', userId: userId('added', seq), role: 'member' } : { type: 'remove', userId: plain[seq / 2 - 1] as UserId };
    const s = await signMembershipStatement(provider, {
      conversationId: CONVERSATION_ID,
      after: heads[seq - 1] as MembershipHead,
      at: 1_700_000_000_000 + seq,
      actor: signer.userId,
      actorDevice: signer.deviceId,
      change,
      signingPrivateKey: signer.signingPrivateKey,
    });
    chain.push(s);
    heads.push({ seq, hash: await membershipHash(provider, s) });
  }
  const json = JSON.stringify(chain);
  return { wire: JSON.parse(json) as unknown[], heads, bytes: json.length };
}

function verifyFrom(chain: Chain, signerOf: SignerResolver, from: MembershipState | null, statements: readonly unknown[]) {
  return extendMembership(provider, { conversationId: CONVERSATION_ID, from, statements, servedHead: chain.heads[chain.heads.length - 1] ?? null, signerOf });
}

async function timeMs(f: () => Promise<unknown> | unknown): Promise<number> {
  const t0 = performance.now();
  await f();
  return performance.now() - t0;
}

const scale = (s: Spread, k: number): Spread => ({ median: s.median * k, min: s.min * k, max: s.max * k, n: s.n });
/** Rates (ops/s) as per-operation microseconds; min and max swap. */
const micros = (s: Spread): Spread => ({ median: 1e6 / s.median, min: 1e6 / s.max, max: 1e6 / s.min, n: s.n });

export const membershipVerifySection: Section = {
  id: 'membership',
  title: 'Membership chain verification (genesis of 1,000 / 5,000 members; 1,000 statements)',
  timeoutMs: 240_000,
  async run(ctx: SectionContext): Promise<SectionOutcome> {
    const rounds = ctx.quick ? 3 : 7;
    const setupStart = performance.now();
    const { devices, signerOf, certificates } = await makeActors([OWNER, ...ADMINS], 2);
    const owner = devices.filter((d) => d.userId === userId(OWNER, 0));
    const geneses = new Map<number, Chain>();
    for (const n of GENESIS_SIZES) geneses.set(n, await buildChain(owner, n, 0));
    const chain = await buildChain(devices, CHAIN_MEMBERS, CHAIN_STATEMENTS);
    const setupMs = performance.now() - setupStart;

    // Check once that everything verifies and that the result is the expected member set.
    const full = await verifyFrom(chain, signerOf, null, chain.wire);
    const verified: readonly VerifiedStatement[] = full.added;
    if (full.state.head.seq !== CHAIN_STATEMENTS || full.state.members.size !== CHAIN_MEMBERS)
      throw new MeasurementError(`the chain verified to seq ${full.state.head.seq} with ${full.state.members.size} members`);
    const pinned = membershipAt(verified, CHAIN_STATEMENTS - 1);
    if (!pinned) throw new MeasurementError('membershipAt found no state before the last statement');
    const last = chain.wire.slice(-1);
    const extended = await verifyFrom(chain, signerOf, pinned, last);
    if (extended.state.head.hash !== full.state.head.hash) throw new MeasurementError('extending the pinned chain by one gave another head');
    for (const [n, g] of geneses) {
      const s = (await verifyFrom(g, signerOf, null, g.wire)).state;
      if (s.members.size !== n) throw new MeasurementError(`a ${n}-member genesis verified to ${s.members.size} members`);
    }

    // (a), (b), (c): whole verifications timed one by one, interleaved, after one warm-up of each.
    const genesisRuns = new Map<number, number[]>(GENESIS_SIZES.map((n) => [n, []]));
    const chainRuns: number[] = [];
    const atLastRuns: number[] = [];
    const atMidRuns: number[] = [];
    for (let r = -1; r < rounds; r++) {
      for (const [n, g] of geneses) {
        const ms = await timeMs(() => verifyFrom(g, signerOf, null, g.wire));
        if (r >= 0) genesisRuns.get(n)?.push(ms);
      }
      const chainMs = await timeMs(() => verifyFrom(chain, signerOf, null, chain.wire));
      const atLast = await timeMs(() => membershipAt(verified, CHAIN_STATEMENTS));
      const atMid = await timeMs(() => membershipAt(verified, CHAIN_STATEMENTS / 2));
      if (r >= 0) {
        chainRuns.push(chainMs);
        atLastRuns.push(atLast);
        atMidRuns.push(atMid);
      }
    }
    // The fast operations side by side with their crypto floor.
    const lastStatement = verified[CHAIN_STATEMENTS]?.statement;
    const lastSigner = lastStatement ? await signerOf(lastStatement.actor, lastStatement.actorDevice) : undefined;
    if (!lastStatement || !lastSigner) throw new MeasurementError('the chain has no last statement');
    const actorDevice = devices.find((d) => d.deviceId === lastStatement.actorDevice);
    if (!actorDevice) throw new MeasurementError('the last statement has no known actor device');
    const lastPublicKey = await provider.ed25519PublicKey(actorDevice.signingPrivateKey);
    const rawKey = createPublicKey({
      key: Buffer.concat([ED25519_SPKI_PREFIX, Buffer.from(lastPublicKey)]),
      format: 'der',
      type: 'spki',
    });
    const signingInput = membershipSigningInput(lastStatement);
    const signature = Buffer.from(lastStatement.signature, 'base64url');
    if (!verify(null, signingInput, rawKey, signature)) throw new MeasurementError('the raw verify of the last statement failed');
    const C = { extend: 'extend pinned by one', raw: 'raw Ed25519 verify' } as const;
    const lastWire = last[0];
    const lastHash = full.state.head.hash;
    const rates = await measureSideBySide(
      [
        { name: C.extend, run: () => verifyFrom(chain, signerOf, pinned, last) },
        { name: C.raw, run: () => verify(null, signingInput, rawKey, signature) },
        { name: STAGE.parse, run: () => parseMembershipStatement(lastWire) },
        {
          name: STAGE.certificate,
          run: () =>
            verifyDeviceCertificate(provider, lastSigner.certificate, {
              deviceId: lastStatement.actorDevice,
              userId: lastStatement.actor,
              accountKey: lastSigner.accountKey,
            }),
        },
        { name: STAGE.signature, run: () => provider.ed25519Verify(lastPublicKey, membershipSigningInput(lastStatement), signature) },
        { name: STAGE.hash, run: () => membershipHash(provider, lastStatement) },
        { name: STAGE.rules, run: () => applyMembership(pinned, lastStatement, lastHash) },
      ],
      ctx.quick ? { rounds: 3, sliceMs: 60, warmupMs: 60 } : { rounds: rounds, sliceMs: 150, warmupMs: 200 },
    );
    const rawUs = micros(rateOf(rates, C.raw));
    const extendUs = micros(rateOf(rates, C.extend));
    const floorMs = (signatures: number) => (signatures * rawUs.median) / 1000;

    const figures: Figure[] = [];
    for (const n of GENESIS_SIZES) {
      const v = spreadOf(genesisRuns.get(n) ?? []);
      const g = geneses.get(n) as Chain;
      figures.push({
        id: `genesis${n}.verify_ms`,
        label: `genesis of ${n.toLocaleString('en-US')} members verified from scratch (extendMembership: parse, certificate, signature, hash, rules)`,
        unit: 'ms',
        value: v,
        note: `${((v.median / (BUDGET_MS[n] ?? 1000)) * 100).toFixed(1)} % of the ${(BUDGET_MS[n] ?? 1000) / 1000} s rotation budget at ${n.toLocaleString('en-US')} x 2; ${(g.bytes / 1024).toFixed(0)} KiB of JSON; its Ed25519 floor (2 verifies) ${floorMs(2).toFixed(2)} ms`,
      });
    }
    const chainMs = spreadOf(chainRuns);
    const genesisOfChain = genesisRuns.get(CHAIN_MEMBERS) ?? [];
    const perStatementUs = spreadOf(chainRuns.map((c, i) => ((c - (genesisOfChain[i] ?? 0)) * 1000) / CHAIN_STATEMENTS));
    figures.push(
      {
        id: `chain${CHAIN_STATEMENTS}.verify_ms`,
        label: `${CHAIN_MEMBERS.toLocaleString('en-US')}-member genesis + ${CHAIN_STATEMENTS.toLocaleString('en-US')} statements (adds, removes) verified from the genesis`,
        unit: 'ms',
        value: chainMs,
        note: `${((chainMs.median / 1000) * 100).toFixed(0)} % of the 1 s rotation budget at 1,000 x 2; ${(chain.bytes / 1024).toFixed(0)} KiB of JSON`,
      },
      {
        id: `chain${CHAIN_STATEMENTS}.floor_ratio`,
        label: `that chain ÷ its Ed25519 floor (${2 * (CHAIN_STATEMENTS + 1)} raw verifies, same run)`,
        unit: 'x',
        value: scale(chainMs, 1 / floorMs(2 * (CHAIN_STATEMENTS + 1))),
      },
      {
        id: `chain${CHAIN_STATEMENTS}.per_statement_us`,
        label: `per statement after the genesis, from scratch ((chain − ${CHAIN_MEMBERS.toLocaleString('en-US')}-member genesis) ÷ ${CHAIN_STATEMENTS.toLocaleString('en-US')}, paired rounds)`,
        unit: 'µs',
        value: perStatementUs,
      },
      {
        id: 'extend_one_us',
        label: `extend a pinned chain (${CHAIN_MEMBERS.toLocaleString('en-US')} members, seq ${CHAIN_STATEMENTS - 1}) by one statement`,
        unit: 'µs',
        value: extendUs,
      },
      { id: 'raw_verify_us', label: 'raw node:crypto Ed25519 verify (peer; a statement needs two)', unit: 'µs', value: rawUs },
      {
        id: 'extend_one_floor_ratio',
        label: 'extend by one ÷ its Ed25519 floor (2 raw verifies)',
        unit: 'x',
        value: spreadOf(pairedRatios(rates.get(C.raw) ?? [], rates.get(C.extend) ?? []).map((x) => x / 2)),
      },
      ...Object.entries(STAGE).map(([id, name]) => ({
        id: `cost.${id}`,
        label: `cost of ${name.replace(/^stage: /, '')}`,
        unit: 'µs',
        value: micros(rateOf(rates, name)),
      })),
      {
        id: `at${CHAIN_STATEMENTS}.last_ms`,
        label: `membershipAt(chain of ${CHAIN_STATEMENTS.toLocaleString('en-US')}, seq ${CHAIN_STATEMENTS}) — replay to the head`,
        unit: 'ms',
        value: spreadOf(atLastRuns),
      },
      {
        id: `at${CHAIN_STATEMENTS}.mid_ms`,
        label: `membershipAt(chain of ${CHAIN_STATEMENTS.toLocaleString('en-US')}, seq ${CHAIN_STATEMENTS / 2}) — replay to the middle`,
        unit: 'ms',
        value: spreadOf(atMidRuns),
      },
    );
    return {
      status: 'measured',
      figures,
      notes: [
        'Real protocol functions (extendMembership, membershipAt; src/common/protocol/membershipChain.ts) on the Node provider, one core. Per statement: zod parse, the actor device certificate verified under the account key, the statement signature, its SHA-256 chain hash, the rules (applyMembership copies the member map).',
        `Signers: the owner and two admins with two certified devices each (${certificates} certificates); the resolver answers a pre-built certificate and account key from a map (no directory request) and the certificate is parsed and verified again for every statement, as extendMembership does. Statements went through JSON once before timing (the HTTP answer's parse is not timed).`,
        `Chain: a ${CHAIN_MEMBERS.toLocaleString('en-US')}-member genesis, then ${CHAIN_STATEMENTS.toLocaleString('en-US')} statements alternating add (a new member) and remove (a genesis member), signed in turn by the six actor devices; the member count stays at ${CHAIN_MEMBERS.toLocaleString('en-US')}.`,
        `Whole verifications and membershipAt: median of ${rounds} interleaved rounds after a warm-up; extend-by-one and the raw verify side by side (${ctx.quick ? 3 : rounds} rounds). Setup (keys, certificates, signing the chains) ${(setupMs / 1000).toFixed(1)} s, not measured.`,
        '"cost of …" rows: the stages of verifying one statement (the last of the chain) measured alone in the same rounds as extend-by-one, microseconds per call; what is left of extend-by-one is extendMembership\'s own work (head checks, awaits, signer lookup).',
        'No target: the cost is reported against the rotation budgets (1 s at 1,000 x 2, 3 s at 5,000 x 2) the client spends it from when it verifies before a rotation or send.',
      ],
    };
  },
};
