/** The error shape the UI shows: a stable code (from main's typed errors) and a message for people. */
import { BridgeError } from '../bridge/client';

export interface UiError {
  readonly code: string;
  readonly message: string;
}

export function toUiError(e: unknown): UiError {
  if (e instanceof BridgeError) return { code: e.code, message: e.message };
  const code: unknown = e instanceof Error ? (e as Error & { code?: unknown }).code : undefined;
  if (e instanceof Error && typeof code === 'string') return { code, message: e.message };
  if (e instanceof Error) return { code: 'internal', message: e.message };
  return { code: 'internal', message: String(e) };
}

const BLOCKED = 'Nothing was sent. Tell your IT team; the conversation stays blocked until the server sends what its members signed.';

/**
 * The attacks the client core refuses (docs/protocol.md §15, docs/threat-model.md), as one plain sentence
 * each: what happened and what to do. The code itself is not in the sentence (the UI keeps it for logs).
 */
export const TRUST_SENTENCES: Readonly<Record<string, string>> = {
  membership_mismatch:
    "The server's member list for this conversation does not match what its members signed. Nothing was sent. Tell your IT team; the conversation stays blocked until it matches.",
  membership_missing: `The server did not send the signed member history of this conversation, so its members cannot be checked. ${BLOCKED}`,
  membership_rollback: `The server sent an altered or outdated member history for this conversation, so its members cannot be trusted. ${BLOCKED}`,
  membership_fork: `The server sent an altered or outdated member history for this conversation, so its members cannot be trusted. ${BLOCKED}`,
  chain_broken: `The server sent an altered or outdated member history for this conversation, so its members cannot be trusted. ${BLOCKED}`,
  membership_rule: `The member history of this conversation contains a change its author was not allowed to make, so its members cannot be trusted. ${BLOCKED}`,
  member_mismatch:
    "The server offered a conversation key made for people who are not this conversation's members. It was not used and nothing was sent with it; tell your IT team if this keeps happening.",
  version_rollback:
    'The server offered an older key that a removed member may still hold. It was not used and nothing was sent with it; tell your IT team if this keeps happening.',
  membership_unmigrated:
    "The members of this conversation cannot be changed yet: it is older than signed membership, and its owner's app records its members the next time it is used. Try again later.",
  sender_removed: 'This message was sent by someone after they were removed. It is not shown.',
  sender_revoked: 'This message was sent from a device its owner had signed out. It is not shown; if you expected it, ask them to send it again.',
  signer_not_member: 'This message was signed by someone who is not a member of this conversation. It is not shown; tell your IT team if this keeps happening.',
  key_manager_url_refused:
    'That key manager is not reached over https, so anyone on the network could read the channel. Nothing was sent to it; use an https:// address.',
  key_manager_not_in_descriptor: "This channel's signed description names a different key manager, so the one given was not contacted. Nothing changed.",
  descriptor_not_certified:
    "This channel's description is not signed by the account its creator is known by here, so it was not opened. Tell your IT team if this keeps happening.",
};

/** What a person reads for an error: a plain sentence for the trust errors and the common codes, else the main-side message. */
export function describeError(error: UiError): string {
  const sentence = TRUST_SENTENCES[error.code];
  if (sentence !== undefined) return sentence;
  switch (error.code) {
    case 'unavailable':
      return `This feature is not available yet (${error.message}).`;
    case 'bridge_unavailable':
      return 'The app core is not reachable from this window.';
    case 'forbidden_sender':
      return `The app core refused this window: ${error.message}.`;
    default:
      return error.message;
  }
}
