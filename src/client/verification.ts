/**
 * Identity verification (docs/protocol.md §10): the safety number between this account and a
 * contact, computed from the pinned keys, its QR payload, and marking a contact verified — by a scanned
 * QR payload that must match, or by the user's word after comparing the digits. §10.1: each side's half
 * of the number (`ownCode`), and checking a code typed from the contact's screen (`contactCodeMatches`),
 * which is how the desktop verifies: its page shows only this user's half and never holds the contact's.
 */
import type { CryptoProvider } from '../common/crypto/provider';
import { constantTimeEqual } from '../common/encoding/bytes';
import { utf8Encode } from '../common/encoding/utf8';
import { fingerprintDigits, partyFingerprint, safetyNumber, safetyNumberQrMatches, type SafetyNumberParty } from '../common/protocol/safetyNumber';
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
  /** This user's half (§10.1): 6 groups of 5 digits, the same for every contact. */
  readonly ownCode: string;
  /**
   * The contact's company identity (issuer + subject of the organisation's OpenID provider), when every
   * device of theirs this session verified under the trusted account key carries the same one (§4); null
   * otherwise (no company sign-in, no device met yet — no shared conversation — or devices that disagree).
   */
  readonly companyIdentity: { readonly issuer: string; readonly subject: string } | null;
}

/** The company identity every one of the devices names, or null. */
export function companyIdentityOf(devices: readonly { certificate: { sso?: { iss: string; sub: string } } }[]): ContactTrust['companyIdentity'] {
  const first = devices[0]?.certificate.sso;
  if (!first || !devices.every((d) => d.certificate.sso?.iss === first.iss && d.certificate.sso.sub === first.sub)) return null;
  return { issuer: first.iss, subject: first.sub };
}

/** 30 digits as 6 groups of 5. */
function grouped(digits: string): string {
  return digits.match(/.{5}/g)?.join(' ') ?? digits;
}

/** One party's half of the safety number (§10.1): the 30 digits of its fingerprint. */
export async function halfDigits(provider: CryptoProvider, party: SafetyNumberParty): Promise<string> {
  return fingerprintDigits(await partyFingerprint(provider, party));
}

/**
 * Whether `typed` — read or pasted from the contact's screen — matches `contact` (their user id and the
 * key to check: the pinned one, or the new one of an identity change): their 30-digit half, the whole
 * 60-digit safety number, or a `seed-sn:1:` QR payload. Spaces and dashes between digits are ignored;
 * compared in constant time. Anything else is `unreadable`.
 */
export async function contactCodeMatches(
  provider: CryptoProvider,
  self: SafetyNumberParty,
  contact: SafetyNumberParty,
  typed: string,
): Promise<boolean | 'unreadable'> {
  const text = typed.trim();
  if (text.startsWith('seed-sn:')) {
    try {
      return safetyNumberQrMatches(await safetyNumber(provider, self, contact), text);
    } catch {
      return 'unreadable';
    }
  }
  const digits = text.replace(/[\s-]/g, '');
  if (!/^\d+$/.test(digits)) return 'unreadable';
  if (digits.length === 30) return constantTimeEqual(utf8Encode(digits), utf8Encode(await halfDigits(provider, contact)));
  if (digits.length === 60) return constantTimeEqual(utf8Encode(digits), utf8Encode((await safetyNumber(provider, self, contact)).digits));
  return 'unreadable';
}

export async function contactTrust(
  provider: CryptoProvider,
  directory: Directory,
  self: { userId: string; accountKey: Uint8Array },
  userId: string,
): Promise<ContactTrust> {
  const theirs = await directory.trustedAccountKey(userId);
  const sn = await safetyNumber(provider, { userId: self.userId, accountKey: self.accountKey }, { userId, accountKey: theirs });
  return {
    userId,
    state: directory.trustState(userId),
    isNew: directory.isNewContact(userId),
    safetyNumber: sn.display,
    qrPayload: sn.qrPayload,
    ownCode: grouped(await halfDigits(provider, self)),
    // From the devices this session verified (no request: it works offline and costs nothing per member);
    // only while the pinned key is the one they verify under, so a changed key shows none until accepted.
    companyIdentity: directory.trustState(userId) === 'changed' ? null : companyIdentityOf(directory.knownDevicesOf(userId, theirs)),
  };
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

/** How a code typed from a contact's screen compared (§10.1). */
export type ContactCodeCheck = 'match' | 'mismatch' | 'unreadable';

/**
 * Marks `userId` verified only when `typed` matches their pinned key (`contactCodeMatches`); a contact
 * whose key changed must have the change accepted (`acceptChangedKeyByCode`) instead. Changes nothing
 * unless it matches.
 */
export async function verifyContactByCode(
  provider: CryptoProvider,
  directory: Directory,
  self: SafetyNumberParty,
  userId: string,
  typed: string,
): Promise<{ check: ContactCodeCheck; trust: ContactTrust }> {
  const before = await contactTrust(provider, directory, self, userId);
  if (before.state === 'changed') throw new InvalidInputError(`the identity key of ${userId} changed; accept the new key with their code instead`);
  const check = verdict(await contactCodeMatches(provider, self, { userId, accountKey: await directory.trustedAccountKey(userId) }, typed));
  if (check !== 'match') return { check, trust: before };
  directory.markVerified(userId);
  return { check, trust: await contactTrust(provider, directory, self, userId) };
}

/**
 * Accepts `userId`'s changed identity key only when `typed` matches the NEW key: the new key becomes the
 * pin, marked verified, and sending to them is allowed again. Changes nothing unless it matches.
 */
export async function acceptChangedKeyByCode(
  provider: CryptoProvider,
  directory: Directory,
  self: SafetyNumberParty,
  userId: string,
  typed: string,
): Promise<{ check: ContactCodeCheck; trust: ContactTrust }> {
  await directory.trustedAccountKey(userId);
  const changed = directory.changedAccountKey(userId);
  if (changed === null) throw new InvalidInputError(`the identity key of ${userId} did not change`);
  const check = verdict(await contactCodeMatches(provider, self, { userId, accountKey: changed }, typed));
  if (check === 'match') {
    directory.acknowledgeChange(userId);
    directory.markVerified(userId);
  }
  return { check, trust: await contactTrust(provider, directory, self, userId) };
}

function verdict(result: boolean | 'unreadable'): ContactCodeCheck {
  return result === 'unreadable' ? 'unreadable' : result ? 'match' : 'mismatch';
}
