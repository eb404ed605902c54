/**
 * Safety numbers (docs/protocol.md §10): a stable, order-independent digest of two users'
 * account identity keys, compared out of band as 60 digits or by scanning a QR code. Modelled on
 * Signal's numeric fingerprint:
 *   fp(userId, key) = H^5200 where H^0 = SHA-512(I2OSP(0, 2) ‖ key ‖ UTF-8(userId)), H^i = SHA-512(H^(i-1) ‖ key)
 *   digits(fp)      = for each 5-byte chunk of fp[0..30): big-endian integer mod 100000, 5 digits zero-padded
 *   low, high       = the two parties ordered by digits(fp) (string order, which for equal-length digit strings is
 *                     numeric order), and by the fingerprint bytes (unsigned, lexicographic) when the digits are equal
 *   number          = digits(fpLow) ‖ digits(fpHigh) (60 digits, shown as 12 groups of 5)
 *   QR payload      = "seed-sn:1:" ‖ base64url(fpLow[0..30)) ‖ ":" ‖ base64url(fpHigh[0..30))
 * The order never depends on user ids or on which side computes it.
 */
import type { CryptoProvider } from '../crypto/provider';
import { fromBase64Url, toBase64Url } from '../encoding/base64url';
import { concatBytes, constantTimeEqual, i2osp } from '../encoding/bytes';
import { utf8Encode } from '../encoding/utf8';
import { MalformedError, UnsupportedVersionError } from './errors';

export const SAFETY_NUMBER_ITERATIONS = 5200;
export const SAFETY_NUMBER_VERSION = 0;
const QR_PREFIX = 'seed-sn:';
const QR_VERSION = '1';

/** One party: user id and raw 32-byte Ed25519 account identity key. */
export interface SafetyNumberParty {
  readonly userId: string;
  readonly accountKey: Uint8Array;
}

/** A computed safety number. */
export interface SafetyNumber {
  /** 60 digits. */
  readonly digits: string;
  /** 12 groups of 5 digits separated by spaces. */
  readonly display: string;
  /** The QR code content. */
  readonly qrPayload: string;
}

/** The 30-byte fingerprint of one party. */
export async function partyFingerprint(provider: CryptoProvider, party: SafetyNumberParty): Promise<Uint8Array> {
  if (party.accountKey.length !== 32) throw new MalformedError('safety number: account key must be 32 bytes');
  let hash = await provider.sha512(concatBytes(i2osp(SAFETY_NUMBER_VERSION, 2), party.accountKey, utf8Encode(party.userId)));
  for (let i = 0; i < SAFETY_NUMBER_ITERATIONS; i++) hash = await provider.sha512(concatBytes(hash, party.accountKey));
  return hash.subarray(0, 30);
}

/** 30 digits of a 30-byte fingerprint. */
export function fingerprintDigits(fp: Uint8Array): string {
  let out = '';
  for (let i = 0; i < 30; i += 5) {
    let n = 0;
    for (let j = 0; j < 5; j++) n = n * 256 + (fp[i + j] ?? 0);
    out += String(n % 100000).padStart(5, '0');
  }
  return out;
}

/** The safety number of two parties; the same whichever side computes it. */
export async function safetyNumber(provider: CryptoProvider, a: SafetyNumberParty, b: SafetyNumberParty): Promise<SafetyNumber> {
  const parts = [await partyFingerprint(provider, a), await partyFingerprint(provider, b)].map((fp) => ({ fp, digits: fingerprintDigits(fp) }));
  parts.sort((x, y) => compareText(x.digits, y.digits) || compareBytes(x.fp, y.fp));
  const [low, high] = parts as [(typeof parts)[0], (typeof parts)[0]];
  const digits = low.digits + high.digits;
  return {
    digits,
    display: digits.match(/.{5}/g)?.join(' ') ?? digits,
    qrPayload: `${QR_PREFIX}${QR_VERSION}:${toBase64Url(low.fp)}:${toBase64Url(high.fp)}`,
  };
}

function compareText(x: string, y: string): number {
  return x < y ? -1 : x > y ? 1 : 0;
}

/** Unsigned lexicographic order of two byte strings. */
function compareBytes(x: Uint8Array, y: Uint8Array): number {
  for (let i = 0; i < Math.min(x.length, y.length); i++) {
    const d = (x[i] ?? 0) - (y[i] ?? 0);
    if (d !== 0) return d;
  }
  return x.length - y.length;
}

/** The 30-byte fingerprint a QR payload part encodes; MalformedError for anything else. */
function qrFingerprint(part: string | undefined): Uint8Array {
  let fp: Uint8Array;
  try {
    fp = fromBase64Url(part ?? '');
  } catch {
    throw new MalformedError('safety number QR: bad encoding');
  }
  if (fp.length !== 30) throw new MalformedError('safety number QR: a fingerprint must be 30 bytes');
  return fp;
}

/**
 * True when a scanned QR payload matches our safety number; typed errors for unreadable payloads: not four
 * `:`-separated parts starting `seed-sn` → malformed; a version other than `1` → unsupported_version; a
 * fingerprint part that is not base64url of exactly 30 bytes → malformed.
 */
export function safetyNumberQrMatches(ours: SafetyNumber, scanned: string): boolean {
  const parts = scanned.split(':');
  if (parts.length !== 4 || `${parts[0]}:` !== QR_PREFIX) throw new MalformedError('safety number QR: not a safety number');
  if (parts[1] !== QR_VERSION) throw new UnsupportedVersionError(`safety number QR: version ${parts[1]}`);
  const theirs = concatBytes(qrFingerprint(parts[2]), qrFingerprint(parts[3]));
  const [, , a, b] = ours.qrPayload.split(':');
  return constantTimeEqual(concatBytes(fromBase64Url(a ?? ''), fromBase64Url(b ?? '')), theirs);
}
