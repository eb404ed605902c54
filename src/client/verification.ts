/**
 * Identity verification (docs/protocol.md §10): the safety number between this account and a
 * contact, computed from the pinned keys, its QR payload, and marking a contact verified — by a scanned
 * QR payload that must match, or by the user's word after comparing the digits.
 */
import type { CryptoProvider } from '../common/crypto/provider';
import { safetyNumber, safetyNumberQrMatches } from '../common/protocol/safetyNumber';
import type { Directory, TrustState } from './directory';
import { InvalidInputError } from './errors';

export interface ContactTrust {
  readonly userId: string;
  readonly state: TrustState;
  /** Met for the first time within the last week and not verified (`Directory.isNewContact`). */
  readonly isNew: boolean;
  /** 12 groups of 5 digits. */
  readonly safetyNumber: string;
  readonly qrPayload: string;
}

export async function contactTrust(
  provider: CryptoProvider,
  directory: Directory,
  self: { userId: string; accountKey: Uint8Array },
  userId: string,
): Promise<ContactTrust> {
  const theirs = await directory.trustedAccountKey(userId);
  const sn = await safetyNumber(provider, { userId: self.userId, accountKey: self.accountKey }, { userId, accountKey: theirs });
  return { userId, state: directory.trustState(userId), isNew: directory.isNewContact(userId), safetyNumber: sn.display, qrPayload: sn.qrPayload };
}

/** Marks verified; with `scanned`, only when the scanned QR payload matches our safety number. */
export async function verifyContact(
  provider: CryptoProvider,
  directory: Directory,
  self: { userId: string; accountKey: Uint8Array },
  userId: string,
  scanned?: string,
): Promise<ContactTrust> {
  const before = await contactTrust(provider, directory, self, userId);
  if (before.state === 'changed') throw new InvalidInputError(`the identity key of ${userId} changed; acknowledge the change first`);
  if (scanned !== undefined) {
    const theirs = await directory.trustedAccountKey(userId);
    const sn = await safetyNumber(provider, { userId: self.userId, accountKey: self.accountKey }, { userId, accountKey: theirs });
    if (!safetyNumberQrMatches(sn, scanned)) throw new InvalidInputError('the scanned safety number does not match: do not trust this contact');
  }
  directory.markVerified(userId);
  return contactTrust(provider, directory, self, userId);
}
