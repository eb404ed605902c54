/**
 * The typed error hierarchy of the wire protocol (docs/protocol.md §12). Every failure of a codec,
 * signature check or decryption is one of these, with a stable `code`; nothing else escapes the
 * protocol functions for bad input. Renderer code may import this file (it is outside common/crypto).
 */
import { AppError } from '../errors';

/** Every code a protocol error can carry. */
export type ProtocolErrorCode =
  | 'malformed'
  | 'unsupported_version'
  | 'unknown_key_version'
  | 'bad_tag'
  | 'bad_signature'
  | 'signer_not_member'
  | 'signer_not_certified'
  | 'too_large'
  | 'wrong_conversation'
  | 'wrong_channel'
  | 'wrong_key_version'
  | 'incomplete_wraps'
  | 'member_mismatch'
  | 'not_a_recipient'
  | 'unknown_cryptor'
  | 'uncovered_wrap'
  | 'membership_rule'
  | 'chain_broken'
  | 'membership_fork'
  | 'membership_rollback'
  | 'sender_removed'
  | 'sender_revoked'
  | 'not_author'
  | 'wrong_envelope_type'
  | 'presence_not_own'
  | 'suite_downgrade'
  | 'unsupported_suite';

/** Base class: `code` is stable and safe to show or send over IPC; `message` is for humans. */
export class ProtocolError extends AppError {
  declare readonly code: ProtocolErrorCode;
  constructor(code: ProtocolErrorCode, message: string) {
    super(code, message);
    this.name = 'ProtocolError';
  }
}

/** Input does not parse: bad JSON, wrong field types, bad base64url, wrong lengths, unsorted lists. */
export class MalformedError extends ProtocolError {
  constructor(message: string) {
    super('malformed', message);
    this.name = 'MalformedError';
  }
}

/** A version we do not implement: `v` of a versioned object (docs/protocol.md §2.5), the PNED header version, the safety-number QR version. */
export class UnsupportedVersionError extends ProtocolError {
  constructor(message: string) {
    super('unsupported_version', message);
    this.name = 'UnsupportedVersionError';
  }
}

/** The envelope names a key version the caller does not hold. */
export class UnknownKeyVersionError extends ProtocolError {
  constructor(message: string) {
    super('unknown_key_version', message);
    this.name = 'UnknownKeyVersionError';
  }
}

/** Authenticated decryption failed (AES-GCM tag, HPKE open, or CBC padding of the interop codec). */
export class BadTagError extends ProtocolError {
  constructor(message: string) {
    super('bad_tag', message);
    this.name = 'BadTagError';
  }
}

/** An Ed25519 signature does not verify. */
export class BadSignatureError extends ProtocolError {
  constructor(message: string) {
    super('bad_signature', message);
    this.name = 'BadSignatureError';
  }
}

/**
 * The signer may not sign this object (docs/protocol.md §12): a record's creator is not among its member
 * devices, a granter's user is not a member, or the receiver has no trusted key for an envelope's or a
 * broadcast's sender device (for any reason: unknown, uncertified, not an allowed sender).
 */
export class SignerNotMemberError extends ProtocolError {
  constructor(message: string) {
    super('signer_not_member', message);
    this.name = 'SignerNotMemberError';
  }
}

/**
 * A certificate the verifier checks is for another user or device or not signed by the trusted account key;
 * for a record's creator or a granter also a broken certificate signature, and an unknown granter. Envelopes
 * and broadcasts never report it (their sender lookups answer signer_not_member).
 */
export class SignerNotCertifiedError extends ProtocolError {
  constructor(message: string) {
    super('signer_not_certified', message);
    this.name = 'SignerNotCertifiedError';
  }
}

/** The encoded message would exceed PubNub's publish limit. */
export class TooLargeError extends ProtocolError {
  readonly size: number;
  readonly limit: number;
  constructor(size: number, limit: number) {
    super('too_large', `message is ${size} bytes on the wire, the limit is ${limit}`);
    this.name = 'TooLargeError';
    this.size = size;
    this.limit = limit;
  }
}

/** The object belongs to another conversation than the one the caller expects. */
export class WrongConversationError extends ProtocolError {
  constructor(message: string) {
    super('wrong_conversation', message);
    this.name = 'WrongConversationError';
  }
}

/** The broadcast object belongs to another channel than the one the caller expects. */
export class WrongChannelError extends ProtocolError {
  constructor(message: string) {
    super('wrong_channel', message);
    this.name = 'WrongChannelError';
  }
}

/** The object carries another key version than the one the caller expects. */
export class WrongKeyVersionError extends ProtocolError {
  constructor(message: string) {
    super('wrong_key_version', message);
    this.name = 'WrongKeyVersionError';
  }
}

/** The wraps of a key-version record do not cover exactly its member devices. */
export class IncompleteWrapsError extends ProtocolError {
  constructor(message: string) {
    super('incomplete_wraps', message);
    this.name = 'IncompleteWrapsError';
  }
}

/** The record's member devices differ from the set the verifier expects. */
export class MemberMismatchError extends ProtocolError {
  constructor(message: string) {
    super('member_mismatch', message);
    this.name = 'MemberMismatchError';
  }
}

/** The record holds no wrap for the device that tries to unwrap. */
export class NotARecipientError extends ProtocolError {
  constructor(message: string) {
    super('not_a_recipient', message);
    this.name = 'NotARecipientError';
  }
}

/** A PNED header names a cryptor other than ACRH. */
export class UnknownCryptorError extends ProtocolError {
  constructor(message: string) {
    super('unknown_cryptor', message);
    this.name = 'UnknownCryptorError';
  }
}

/** A wrap added after its version was created carries no valid grant chain (docs/protocol.md §6.5): never used. */
export class UncoveredWrapError extends ProtocolError {
  constructor(message: string) {
    super('uncovered_wrap', message);
    this.name = 'UncoveredWrapError';
  }
}

/**
 * An envelope under an older key version from a user that a later verified version no longer lists,
 * published after that version was accepted (plus the clock tolerance, docs/protocol.md §7.4): a removed
 * member still holding the old key.
 */
export class SenderRemovedError extends ProtocolError {
  constructor(message: string) {
    super('sender_removed', message);
    this.name = 'SenderRemovedError';
  }
}

/** An envelope from a device published after its account's signed revocation (plus the clock tolerance, docs/protocol.md §7.4, §17). */
export class SenderRevokedError extends ProtocolError {
  constructor(message: string) {
    super('sender_revoked', message);
    this.name = 'SenderRevokedError';
  }
}

/**
 * An edit or a delete for everyone (docs/protocol.md §7.7) whose verified sender is not the account that
 * wrote the message it targets: refused, and nothing changes.
 */
export class NotAuthorError extends ProtocolError {
  constructor(message: string) {
    super('not_author', message);
    this.name = 'NotAuthorError';
  }
}

/**
 * An envelope of a type that does not belong where it arrived (docs/protocol.md §7.8): a presence status
 * published as a message, or a message (or chat action) put into presence state. Refused, never shown.
 */
export class WrongEnvelopeTypeError extends ProtocolError {
  constructor(message: string) {
    super('wrong_envelope_type', message);
    this.name = 'WrongEnvelopeTypeError';
  }
}

/**
 * A presence status (docs/protocol.md §7.8) found in the presence state of one PubNub user id but signed by a
 * device of another user: a member replaying someone else's status as their own. Refused, never shown.
 */
export class PresenceNotOwnError extends ProtocolError {
  constructor(message: string) {
    super('presence_not_own', message);
    this.name = 'PresenceNotOwnError';
  }
}

/**
 * A classical (X25519) key wrap where the recipient's certificate carries a hybrid post-quantum key
 * (docs/protocol.md §5.1): whoever made or swapped it removed the post-quantum protection.
 */
export class SuiteDowngradeError extends ProtocolError {
  constructor(message: string) {
    super('suite_downgrade', message);
    this.name = 'SuiteDowngradeError';
  }
}

/** A key wrap in a suite the opening device holds no key for (an X-Wing wrap to a device without an X-Wing key, §5.1). */
export class UnsupportedSuiteError extends ProtocolError {
  constructor(message: string) {
    super('unsupported_suite', message);
    this.name = 'UnsupportedSuiteError';
  }
}

/** True for any protocol error (use `err.code` to branch). */
export function isProtocolError(err: unknown): err is ProtocolError {
  return err instanceof ProtocolError;
}

/** Every code a device-link failure can carry (docs/protocol.md §14). */
export type DeviceLinkErrorCode = 'link_invalid' | 'link_mismatch' | 'link_timeout' | 'link_rejected';

/**
 * Device linking failed (docs/protocol.md §14): `link_invalid` (unreadable input or payload, wrong state),
 * `link_mismatch` (keys or codes that do not match), `link_timeout`, `link_rejected`. Its own family,
 * beside the §12 codes: `isProtocolError` is false for it.
 */
export class DeviceLinkError extends AppError {
  declare readonly code: DeviceLinkErrorCode;
  constructor(code: DeviceLinkErrorCode, message: string) {
    super(code, message);
  }
}
