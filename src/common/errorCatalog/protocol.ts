/**
 * The wire protocol's error codes (docs/protocol.md §12, src/common/protocol/errors.ts) with their
 * categories: all but `too_large` (a message over the publish limit) mean data that did not verify or
 * parse and is refused for good. `satisfies` keeps this table and `ProtocolErrorCode` the same set.
 * The key service answers `certificate_<code>` for a device certificate it refuses with one of these.
 */
import type { ErrorCategory } from '../errorCategory';
import type { ProtocolErrorCode } from '../protocol/errors';

export const PROTOCOL_ERRORS = {
  malformed: 'crypto',
  unsupported_version: 'crypto',
  unknown_key_version: 'crypto',
  bad_tag: 'crypto',
  bad_signature: 'crypto',
  signer_not_member: 'crypto',
  signer_not_certified: 'crypto',
  wrong_conversation: 'crypto',
  wrong_channel: 'crypto',
  wrong_key_version: 'crypto',
  incomplete_wraps: 'crypto',
  member_mismatch: 'crypto',
  not_a_recipient: 'crypto',
  unknown_cryptor: 'crypto',
  uncovered_wrap: 'crypto',
  membership_rule: 'crypto',
  chain_broken: 'crypto',
  membership_fork: 'crypto',
  membership_rollback: 'crypto',
  sender_removed: 'crypto',
  sender_revoked: 'crypto',
  not_author: 'crypto',
  wrong_envelope_type: 'crypto',
  presence_not_own: 'crypto',
  suite_downgrade: 'crypto',
  unsupported_suite: 'crypto',
  too_large: 'validation',
} as const satisfies Record<ProtocolErrorCode, ErrorCategory>;

function isProtocolCode(code: string): code is ProtocolErrorCode {
  return Object.hasOwn(PROTOCOL_ERRORS, code);
}

/** Every protocol code. */
export const PROTOCOL_ERROR_CODES: readonly ProtocolErrorCode[] = Object.keys(PROTOCOL_ERRORS).filter(isProtocolCode);

/** `certificate_bad_signature` etc.: the key service refused a device certificate (422). */
export type CertificateErrorCode = `certificate_${ProtocolErrorCode}`;

const CERTIFICATE_PREFIX = 'certificate_';

/** The code the key service answers for a device certificate refused with `cause`. */
export function certificateError(cause: ProtocolErrorCode): CertificateErrorCode {
  return `${CERTIFICATE_PREFIX}${cause}`;
}

/** The protocol code inside a `certificate_<code>`, or undefined for any other string. */
export function certificateCause(code: string): ProtocolErrorCode | undefined {
  if (!code.startsWith(CERTIFICATE_PREFIX)) return undefined;
  const rest = code.slice(CERTIFICATE_PREFIX.length);
  return isProtocolCode(rest) ? rest : undefined;
}
