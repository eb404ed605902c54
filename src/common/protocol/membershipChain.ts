/**
 * Verifying a conversation's membership chain (docs/protocol.md §15.4): statements in order, each linked
 * by `prev` to the hash of the one before, each signed by a certified device of its actor, each allowed by
 * the rules (membershipRules.ts). A verifier that has verified the chain before extends it from the head it
 * pinned, so a key service that serves a shorter chain (rollback) or a different statement at a position
 * the verifier already holds (fork) is caught, whatever it answers afterwards.
 */
import type { CryptoProvider } from '../crypto/provider';
import { MalformedError, ProtocolError } from './errors';
import { applyMembership, genesisState, type MembershipState } from './membershipRules';
import {
  membershipHash,
  parseMembershipStatement,
  verifyMembershipSignature,
  type MembershipHead,
  type MembershipStatement,
  type StatementSigner,
} from './membershipStatement';

/** The chain does not link: a gap in `seq`, or a `prev` that is not the hash of the statement before. */
export class ChainBrokenError extends ProtocolError {
  constructor(message: string) {
    super('chain_broken', message);
    this.name = 'ChainBrokenError';
  }
}

/** The key service answers a chain that does not contain the head this verifier pinned before. */
export class MembershipForkError extends ProtocolError {
  constructor(message: string) {
    super('membership_fork', message);
    this.name = 'MembershipForkError';
  }
}

/** The key service answers an older head than the one this verifier pinned before. */
export class MembershipRollbackError extends ProtocolError {
  constructor(message: string) {
    super('membership_rollback', message);
    this.name = 'MembershipRollbackError';
  }
}

/** A statement with the chain position it was verified at. */
export interface VerifiedStatement {
  readonly statement: MembershipStatement;
  readonly hash: string;
}

/** Finds the signer of a statement: the actor device's certificate and the actor's trusted account key. */
export type SignerResolver = (actor: string, actorDevice: string) => Promise<StatementSigner>;

export interface ExtendInput {
  readonly conversationId: string;
  /** The state the verifier verified and pinned before, or null to verify from the genesis. */
  readonly from: MembershipState | null;
  /** What the key service answered: the statements after `from` (all of them from seq 0 when `from` is null). */
  readonly statements: readonly unknown[];
  /** The head the key service says is current (its answer carries it); must be where the statements end. */
  readonly servedHead: MembershipHead | null;
  readonly signerOf: SignerResolver;
}

export interface Extended {
  readonly state: MembershipState;
  readonly added: readonly VerifiedStatement[];
}

/**
 * Verifies the statements that extend `from` and answers the new state. In this order: a served head
 * older than the pin (membership_rollback) or at the pin with another hash (membership_fork); per
 * statement: parse (malformed), position (chain_broken; at the first one after the pin a `prev` that is
 * not the pinned hash is membership_fork), signature (wrong_conversation, signer_not_certified,
 * bad_signature), rules (membership_rule); finally the last statement must be the served head
 * (chain_broken).
 */
export async function extendMembership(provider: CryptoProvider, input: ExtendInput): Promise<Extended> {
  const pin = input.from?.head ?? null;
  const served = input.servedHead;
  if (pin !== null) {
    if (served === null || served.seq < pin.seq) {
      throw new MembershipRollbackError(`the key service answers head ${served?.seq ?? 'none'}, older than the verified ${pin.seq}`);
    }
    if (served.seq === pin.seq && served.hash !== pin.hash)
      throw new MembershipForkError(`the key service answers another statement at the verified head ${pin.seq}`);
  }
  let state = input.from;
  const added: VerifiedStatement[] = [];
  for (const raw of input.statements) {
    const statement = parseMembershipStatement(raw);
    const expectedSeq = state === null ? 0 : state.head.seq + 1;
    if (statement.seq !== expectedSeq) throw new ChainBrokenError(`expected membership statement ${expectedSeq}, got ${statement.seq}`);
    if (state !== null && statement.prev !== state.head.hash) {
      if (state === input.from) throw new MembershipForkError(`statement ${statement.seq} does not follow the verified head ${state.head.seq}`);
      throw new ChainBrokenError(`statement ${statement.seq} does not link to statement ${state.head.seq}`);
    }
    await verifyMembershipSignature(provider, statement, input.conversationId, await input.signerOf(statement.actor, statement.actorDevice));
    const hash = await membershipHash(provider, statement);
    state = state === null ? genesisState(statement, hash) : applyMembership(state, statement, hash);
    added.push({ statement, hash });
  }
  if (state === null) throw new MalformedError(`conversation ${input.conversationId} has no membership statements`);
  if (served !== null && (served.seq !== state.head.seq || served.hash !== state.head.hash)) {
    throw new ChainBrokenError(`the statements end at ${state.head.seq}, the key service says the head is ${served.seq}`);
  }
  return { state, added };
}

/** The state at `seq` of a verified chain (statements from the genesis, as `extendMembership` answered them). */
export function membershipAt(chain: readonly VerifiedStatement[], seq: number): MembershipState | undefined {
  let state: MembershipState | undefined;
  for (const { statement, hash } of chain) {
    if (statement.seq > seq) break;
    state = state === undefined ? genesisState(statement, hash) : applyMembership(state, statement, hash);
  }
  return state?.head.seq === seq ? state : undefined;
}
