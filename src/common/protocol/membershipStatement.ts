/**
 * Membership statements (docs/protocol.md §15): every change of who is in a conversation, and with which
 * role, is a statement signed by the acting member's certified device and chained by hash to the one
 * before it, from the creator's signed genesis (`seq` 0). The key service stores and serves the chain;
 * clients verify it and compute the member set themselves (membershipRules.ts), so a key service cannot
 * add a reader or drop a removal without the clients noticing.
 *
 *   statement = {v:1, conversationId, seq, prev, at, actor, actorDevice, change, signature}
 *   prev      = null for seq 0, else hash(statement seq − 1)
 *   signature = Ed25519(actorDevice, tuple("seed-membership-v1", canonicalJson(statement without signature)))
 *   hash      = SHA-256(tuple("seed-membership-hash-v1", canonicalJson(statement with signature)))
 */
import { z } from 'zod';
import type { CryptoProvider } from '../crypto/provider';
import { toBase64Url } from '../encoding/base64url';
import { tuple } from '../encoding/bytes';
import { canonicalJson } from '../encoding/canonicalJson';
import { AssignableRoleSchema, ConversationKindSchema, HistoryPolicySchema, RoleSchema } from '../domain';
import { ConversationIdSchema, DeviceIdSchema, UserIdSchema, type ConversationId, type DeviceId, type UserId } from '../ids';
import { verifyDeviceCertificate } from './deviceCertificate';
import { DISAPPEARING_SECONDS, type DisappearingSeconds } from './disappearing';
export { MembershipHeadSchema, type MembershipHead } from './membershipHead';
import { BadSignatureError, MalformedError, SignerNotCertifiedError, WrongConversationError } from './errors';
import { compareIds } from './keyVersionRecord';
import { MAX_SEQ, type MembershipHead } from './membershipHead';
import { b64uField, bytesOf, parseWire, TimestampMs, wireInt } from './wire';

/** Domain separation label of a statement signature. */
export const MEMBERSHIP_DOMAIN = 'seed-membership-v1';
/** Domain separation label of a statement hash (the chain link). */
export const MEMBERSHIP_HASH_DOMAIN = 'seed-membership-hash-v1';
/** Most members a genesis may list (a record holds at most 10,000 member devices: two devices each). */
export const MAX_GENESIS_MEMBERS = 5_000;

/** A timer of the allowed list (never -0: canonical JSON cannot encode it). */
const DisappearingSecondsSchema = wireInt(0, Math.max(...DISAPPEARING_SECONDS)).refine(
  (n) => (DISAPPEARING_SECONDS as readonly number[]).includes(n),
  `must be one of ${DISAPPEARING_SECONDS.join(', ')} seconds`,
) as unknown as z.ZodType<DisappearingSeconds>;

const GenesisMemberSchema = z.strictObject({ userId: UserIdSchema, role: RoleSchema });

/** What a statement changes; `type` names the change. */
export const MembershipChangeSchema = z.discriminatedUnion('type', [
  z.strictObject({
    type: z.literal('create'),
    kind: ConversationKindSchema,
    historyPolicy: HistoryPolicySchema,
    /** Every member with their role, sorted by user id, the creator (the actor) the one owner. */
    members: z.array(GenesisMemberSchema).min(1).max(MAX_GENESIS_MEMBERS),
    /** Present (true) when a conversation made before statements existed got its genesis later (§15.6). */
    migrated: z.literal(true).optional(),
  }),
  z.strictObject({ type: z.literal('add'), userId: UserIdSchema, role: AssignableRoleSchema }),
  z.strictObject({ type: z.literal('remove'), userId: UserIdSchema }),
  z.strictObject({ type: z.literal('leave') }),
  z.strictObject({ type: z.literal('role'), userId: UserIdSchema, role: AssignableRoleSchema }),
  z.strictObject({ type: z.literal('history'), historyPolicy: HistoryPolicySchema }),
  /** The disappearing-messages timer from now on (§15.8): one of DISAPPEARING_SECONDS, 0 = off. */
  z.strictObject({ type: z.literal('disappearing'), seconds: DisappearingSecondsSchema }),
]);
export type MembershipChange = z.infer<typeof MembershipChangeSchema>;
export type MembershipChangeType = MembershipChange['type'];

const statementFields = {
  v: z.literal(1),
  conversationId: ConversationIdSchema,
  seq: wireInt(0, MAX_SEQ),
  prev: b64uField(32).nullable(),
  at: TimestampMs,
  actor: UserIdSchema,
  actorDevice: DeviceIdSchema,
  change: MembershipChangeSchema,
};

export const UnsignedMembershipStatementSchema = z.strictObject(statementFields);
export const MembershipStatementSchema = z.strictObject({ ...statementFields, signature: b64uField(64) });
export type UnsignedMembershipStatement = z.infer<typeof UnsignedMembershipStatementSchema>;
export type MembershipStatement = z.infer<typeof MembershipStatementSchema>;

/** Parses a statement from untrusted JSON: schema, `prev` null exactly at seq 0, genesis members sorted and unique. */
export function parseMembershipStatement(input: unknown): MembershipStatement {
  const statement = parseWire(MembershipStatementSchema, input, 'membership statement');
  checkShape(statement);
  return statement;
}

function checkShape(s: UnsignedMembershipStatement): void {
  if ((s.seq === 0) !== (s.prev === null)) throw new MalformedError('membership statement: prev is null exactly for seq 0');
  if ((s.seq === 0) !== (s.change.type === 'create')) throw new MalformedError('membership statement: seq 0 is the create statement, and only it');
  if (s.change.type === 'create') {
    const ids = s.change.members.map((m) => m.userId);
    for (let i = 1; i < ids.length; i++) {
      if (compareIds(ids[i - 1] ?? '', ids[i] ?? '') >= 0)
        throw new MalformedError('membership statement: genesis members must be sorted by user id and unique');
    }
  }
}

function unsignedOf(s: UnsignedMembershipStatement | MembershipStatement): UnsignedMembershipStatement {
  return { v: s.v, conversationId: s.conversationId, seq: s.seq, prev: s.prev, at: s.at, actor: s.actor, actorDevice: s.actorDevice, change: s.change };
}

/** The exact bytes the acting device signs. */
export function membershipSigningInput(s: UnsignedMembershipStatement | MembershipStatement): Uint8Array {
  return tuple(MEMBERSHIP_DOMAIN, canonicalJson(unsignedOf(s)));
}

/** The chain link of a signed statement: SHA-256 over its canonical JSON, signature included. */
export async function membershipHash(provider: CryptoProvider, s: MembershipStatement): Promise<string> {
  return toBase64Url(await provider.sha256(tuple(MEMBERSHIP_HASH_DOMAIN, canonicalJson({ ...unsignedOf(s), signature: s.signature }))));
}

/** Inputs of `signMembershipStatement`. */
export interface SignMembershipInput {
  readonly conversationId: ConversationId;
  /** The head the statement extends; null for the genesis. */
  readonly after: MembershipHead | null;
  readonly at: number;
  readonly actor: UserId;
  readonly actorDevice: DeviceId;
  readonly change: MembershipChange;
  /** The acting device's Ed25519 private key. */
  readonly signingPrivateKey: Uint8Array;
}

/** Makes and signs the statement that follows `after` (a genesis when `after` is null). */
export async function signMembershipStatement(provider: CryptoProvider, input: SignMembershipInput): Promise<MembershipStatement> {
  const change =
    input.change.type === 'create' ? { ...input.change, members: [...input.change.members].sort((a, b) => compareIds(a.userId, b.userId)) } : input.change;
  const unsigned = parseWire(
    UnsignedMembershipStatementSchema,
    {
      v: 1,
      conversationId: input.conversationId,
      seq: input.after === null ? 0 : input.after.seq + 1,
      prev: input.after === null ? null : input.after.hash,
      at: input.at,
      actor: input.actor,
      actorDevice: input.actorDevice,
      change,
    },
    'membership statement',
  );
  checkShape(unsigned);
  const signature = await provider.ed25519Sign(input.signingPrivateKey, membershipSigningInput(unsigned));
  return { ...unsigned, signature: toBase64Url(signature) };
}

/** What the verifier of one statement's signature knows. */
export interface StatementSigner {
  /** The certificate of `actorDevice` (untrusted input; checked here). */
  readonly certificate: unknown;
  /** The account identity key the verifier trusts for `actor`. */
  readonly accountKey: Uint8Array;
}

/**
 * Verifies one statement's signature, in this order: conversation (wrong_conversation), the actor device's
 * certificate under the actor's trusted account key (signer_not_certified), the signature (bad_signature).
 * The chain position and the rules are checked by the chain verifier (membershipChain.ts).
 */
export async function verifyMembershipSignature(
  provider: CryptoProvider,
  s: MembershipStatement,
  conversationId: string,
  signer: StatementSigner,
): Promise<void> {
  if (s.conversationId !== conversationId) throw new WrongConversationError(`membership statement is for ${s.conversationId}, expected ${conversationId}`);
  const cert = await verifyDeviceCertificate(provider, signer.certificate, { deviceId: s.actorDevice, userId: s.actor, accountKey: signer.accountKey }).catch(
    (err: unknown) => {
      if (err instanceof BadSignatureError) throw new SignerNotCertifiedError(`membership statement ${s.seq}: ${err.message}`);
      throw err;
    },
  );
  const ok = await provider.ed25519Verify(bytesOf(cert.ed25519), membershipSigningInput(s), bytesOf(s.signature));
  if (!ok) throw new BadSignatureError(`membership statement ${s.seq}: signature does not verify`);
}
