/**
 * Typed failures of the client core (docs/client.md). Every failure a caller can see has a stable `code`
 * of the catalog (src/common/errorCodes.ts) and its `category`; the CLI prints `code: message` on one
 * line and exits non-zero, the desktop app maps the code.
 */
import { categoryOfStatus } from '../common/errorCategory';
import { errorCategory, isErrorCode } from '../common/errorCodes';
import { AppError } from '../common/errors';

/**
 * The key service answered an error, or an answer that does not match the route's schema (`bad_response`).
 * `code` is the service's error code (a code this build does not know takes its category from `status`),
 * `route` the named route of the request (src/common/api/keyService.ts), when there was one.
 */
export class KeyServiceError extends AppError {
  constructor(
    readonly status: number,
    code: string,
    message: string,
    readonly route?: string,
  ) {
    super(code, message, isErrorCode(code) ? errorCategory(code) : categoryOfStatus(status));
  }
}

/** The key service could not be reached. */
export class KeyServiceUnreachableError extends AppError {
  constructor(url: string, detail: string) {
    super('key_service_unreachable', `cannot reach the key service at ${url}: ${detail}`);
  }
}

/** The key service did not answer a request within the client's timeout. */
export class KeyServiceTimeoutError extends AppError {
  constructor(
    readonly route: string,
    readonly timeoutMs: number,
  ) {
    super('key_service_timeout', `the key service did not answer ${route} within ${timeoutMs} ms`);
  }
}

/** The client was closed: requests in flight were aborted and new ones are refused. */
export class ClientClosedError extends AppError {
  constructor(route: string) {
    super('client_closed', `the client is closed; ${route} was not completed`);
  }
}

/** The profile has no signed-in device (run register, login or link-device first). */
export class NotSignedInError extends AppError {
  constructor(detail = 'this profile is not signed in; run register, login or link-device first') {
    super('not_signed_in', detail);
  }
}

/** The profile already holds an account; refusing to overwrite its keys. */
export class AlreadySignedInError extends AppError {
  constructor(username: string) {
    super('already_signed_in', `this profile is already signed in as ${username}; use another --profile`);
  }
}

/** This profile asked for an account reset that waits (docs/protocol.md §18.9): it holds the new keys until it finishes. */
export class ResetWaitsHereError extends AppError {
  constructor(username: string) {
    super('reset_waits_here', `this profile waits for the reset of ${username} to finish; finish it, or use another profile`);
  }
}

/** No account reset waits on this profile. */
export class NoResetHereError extends AppError {
  constructor() {
    super('no_reset_here', 'this profile asked for no account reset that waits');
  }
}

/** A re-authentication (before making a recovery key) signed in as another account than this profile's. */
export class ReauthenticationMismatchError extends AppError {
  constructor(detail: string) {
    super('reauthentication_mismatch', detail);
  }
}

/** The keys this profile's state names are not in the vault (keychain wiped or another machine). */
export class KeysMissingError extends AppError {
  constructor(what: string) {
    super('keys_missing', `the ${what} of this profile is not in the keychain; link this device again`);
  }
}

/** A contact's account identity key differs from the pinned one: sending to them is blocked until acknowledged. */
export class IdentityChangedError extends AppError {
  constructor(readonly userId: string) {
    super('identity_changed', `the identity key of ${userId} changed; compare safety numbers, then acknowledge the change (verify --acknowledge)`);
  }
}

/** A name or id that does not resolve. */
export class NotFoundError extends AppError {
  constructor(what: string) {
    super('not_found', `${what} not found`);
  }
}

/** Bad input from the caller (a user typo, an out-of-range value); nothing was changed. */
export class InvalidInputError extends AppError {
  constructor(message: string) {
    super('invalid_input', message);
  }
}

/** Device linking failed: wrong state, expired, rejected, or a code mismatch (one class with the protocol's, docs/protocol.md §14). */
export { DeviceLinkError } from '../common/protocol/errors';

/**
 * A membership change in a conversation made before membership statements existed, which its owner's
 * device has not migrated yet (docs/protocol.md §15.6): only the owner's device can start its chain.
 */
export class MembershipUnmigratedError extends AppError {
  constructor(conversationId: string) {
    super(
      'membership_unmigrated',
      `the members of ${conversationId} cannot be changed yet: the conversation predates signed membership, and its owner's device signs its first statement the next time it is used`,
    );
  }
}

/** A key-version rotation kept conflicting with concurrent ones. */
export class RotationConflictError extends AppError {
  constructor(conversationId: string, attempts: number) {
    super('rotation_conflict', `could not rotate ${conversationId}: ${attempts} concurrent rotations won first`);
  }
}

/**
 * The key service answered that this device was revoked but showed no revocation statement that verifies
 * under this account's key (docs/protocol.md §17): the device keeps its keys and the claim is reported.
 */
export class RevocationUnprovenError extends AppError {
  constructor(readonly detail: string) {
    super('revocation_unproven', `the server claimed this device was removed but could not prove it (${detail}); its keys were kept`);
  }
}

/**
 * The key service's account of a conversation (its members, roles or kind) differs from the membership
 * chain this device verified (docs/protocol.md §15.4): the conversation is refused until the two agree.
 */
export class MembershipMismatchError extends AppError {
  constructor(
    readonly conversationId: string,
    detail: string,
  ) {
    super('membership_mismatch', `the server's member list of ${conversationId} does not match its signed membership (${detail}); nothing was sent`);
  }
}

/**
 * The key service serves a conversation without its signed membership chain although the conversation
 * was made after chains existed (its key versions name membership heads, docs/protocol.md §15.6): the
 * chain was withheld, so who reads cannot be checked.
 */
export class MembershipMissingError extends AppError {
  constructor(readonly conversationId: string) {
    super('membership_missing', `the server withholds the signed membership of ${conversationId}; its members cannot be checked, so nothing is sent to it`);
  }
}

/**
 * The key service names an older key version as current than one this device already verified (docs/protocol.md
 * §15.5): sealing under it would let a removed member read, so nothing is sent.
 */
export class VersionRollbackError extends AppError {
  constructor(
    readonly conversationId: string,
    served: number,
    held: number,
  ) {
    super(
      'version_rollback',
      `the server says key version ${served} of ${conversationId} is current, but this device already verified version ${held}; nothing was sent`,
    );
  }
}
