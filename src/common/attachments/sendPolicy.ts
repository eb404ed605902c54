/**
 * What the organisation lets users send (docs/deployment.md §2, settings `attachmentMaxSize` and
 * `attachmentBlockedTypes`): a largest size and blocked media types, checked on the sending device before
 * anything is read, encrypted or uploaded. A receiver is not bound by them (they are the sender's policy;
 * the wire's limits are docs/protocol.md §20).
 */
import { AppError } from '../errors';
import type { PolicyValues } from '../policy/values';

export interface AttachmentSendLimits {
  /** The largest plaintext in bytes; null: only the format's limit. */
  readonly maxBytes: number | null;
  /** `type/subtype` or `type/*`, lower case. */
  readonly blockedTypes: readonly string[];
}

/** The limits of the effective policy. */
export function attachmentSendLimits(values: Pick<PolicyValues, 'attachmentMaxSize' | 'attachmentBlockedTypes'>): AttachmentSendLimits {
  const size = values.attachmentMaxSize;
  const maxBytes = size === 'unlimited' ? null : Number(size.slice(0, -2)) * (size.endsWith('GB') ? 1_000_000_000 : 1_000_000);
  const blockedTypes = (values.attachmentBlockedTypes ?? '')
    .toLowerCase()
    .split(/[\s,]+/)
    .filter((t) => t !== '');
  return { maxBytes, blockedTypes };
}

export type AttachmentRefusedCode = 'attachment_policy_too_large' | 'attachment_policy_blocked_type';

/** A file the policy does not let this user send; `message` is a sentence for the person. */
export class AttachmentRefusedError extends AppError {
  declare readonly code: AttachmentRefusedCode;
  constructor(code: AttachmentRefusedCode, message: string) {
    super(code, message, 'permission');
    this.name = 'AttachmentRefusedError';
  }
}

/** True when `mediaType` is one of `blocked` (a `type/*` entry blocks the whole type). */
export function isBlockedType(mediaType: string, blocked: readonly string[]): boolean {
  const type = mediaType.toLowerCase();
  const major = type.split('/')[0];
  return blocked.some((b) => b === type || (b.endsWith('/*') && b.slice(0, -2) === major));
}

/** Refuses a file the policy does not allow: its media type blocked, or larger than the limit. */
export function checkAttachmentAllowed(limits: AttachmentSendLimits, file: { readonly size: number; readonly mediaType: string }): void {
  if (isBlockedType(file.mediaType, limits.blockedTypes))
    throw new AttachmentRefusedError('attachment_policy_blocked_type', `Your organisation does not allow sending files of this type (${file.mediaType}).`);
  if (limits.maxBytes !== null && file.size > limits.maxBytes)
    throw new AttachmentRefusedError(
      'attachment_policy_too_large',
      `This file is too large to send: your organisation allows files up to ${formatMegabytes(limits.maxBytes)}.`,
    );
}

function formatMegabytes(bytes: number): string {
  return `${(bytes / 1_000_000).toLocaleString('en-US')} MB`;
}
