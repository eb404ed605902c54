/**
 * The error-code catalog (docs/api.md "Error codes", docs/client.md): every code the key service answers
 * and the client core throws, each in exactly one category (src/common/errorCategory.ts). The tables live
 * in src/common/errorCatalog/ by who raises them; no code is in two tables (test/common/error_codes.test.ts).
 * Codes are stable wire values: never rename one, add a new one instead.
 */
import { ATTACHMENT_ERRORS } from './errorCatalog/attachments';
import { BROADCAST_ERRORS } from './errorCatalog/broadcast';
import { CLIENT_ERRORS } from './errorCatalog/client';
import { KEY_SERVICE_ERRORS, type KeyServiceErrorCode } from './errorCatalog/keyService';
import { MESSAGING_ERRORS } from './errorCatalog/messaging';
import { certificateCause, PROTOCOL_ERRORS, type CertificateErrorCode } from './errorCatalog/protocol';
import type { BroadcastErrorCode } from './broadcast/errors';
import type { ErrorCategory } from './errorCategory';
import type { ProtocolErrorCode } from './protocol/errors';

/** Every table of the catalog, by who raises the codes. */
export const ERROR_TABLES = {
  keyService: KEY_SERVICE_ERRORS,
  client: CLIENT_ERRORS,
  protocol: PROTOCOL_ERRORS,
  broadcast: BROADCAST_ERRORS,
  messaging: MESSAGING_ERRORS,
  attachments: ATTACHMENT_ERRORS,
} as const;

const CATALOG = { ...KEY_SERVICE_ERRORS, ...CLIENT_ERRORS, ...PROTOCOL_ERRORS, ...BROADCAST_ERRORS, ...MESSAGING_ERRORS, ...ATTACHMENT_ERRORS };

/** A code of the catalog. */
export type ErrorCode = keyof typeof CATALOG | CertificateErrorCode;

/**
 * What the key service may answer: its own codes, a refused record's protocol code, a refused
 * certificate's `certificate_<code>`, and the broadcast codes of its claim, directory and key-manager routes.
 */
export type KeyServiceAnswerCode = KeyServiceErrorCode | ProtocolErrorCode | CertificateErrorCode | BroadcastErrorCode;

/** True when `code` is in the catalog (a code from the wire may be newer than this build). */
export function isErrorCode(code: string): code is ErrorCode {
  return Object.hasOwn(CATALOG, code) || certificateCause(code) !== undefined;
}

function isCertificateCode(code: ErrorCode): code is CertificateErrorCode {
  return certificateCause(code) !== undefined;
}

/** The category of a catalog code. */
export function errorCategory(code: ErrorCode): ErrorCategory {
  return isCertificateCode(code) ? 'crypto' : CATALOG[code];
}
