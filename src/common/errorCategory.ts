/**
 * The categories every error code falls in (docs/api.md "Error codes"): what a caller can do about a
 * failure, so it branches on the category and shows people a sentence. Each code of the catalog
 * (src/common/errorCodes.ts) is in exactly one.
 *
 * - `auth`: who you are is not established (sign in again, refresh, the device was revoked).
 * - `permission`: you are known but may not do this (not a member, wrong role, not your device).
 * - `validation`: the request or input is wrong; sending it again unchanged fails again.
 * - `not_found`: what the request names does not exist (any more) or is not there yet.
 * - `conflict`: the state changed under the request (a concurrent version, a taken name); re-read, retry.
 * - `crypto`: a signature, certificate, wrap or ciphertext did not verify; the data is refused for good.
 * - `transport`: no usable answer arrived (unreachable, timed out, an answer that does not parse).
 * - `unavailable`: the service or component cannot serve now (rate limited, a dependency down, closed).
 */
export const ERROR_CATEGORIES = ['auth', 'permission', 'validation', 'not_found', 'conflict', 'crypto', 'transport', 'unavailable'] as const;
export type ErrorCategory = (typeof ERROR_CATEGORIES)[number];

/** The category an HTTP status implies, for an answer whose code this build does not know. */
export function categoryOfStatus(status: number): ErrorCategory {
  if (status === 401) return 'auth';
  if (status === 403) return 'permission';
  if (status === 404) return 'not_found';
  if (status === 409) return 'conflict';
  if (status === 429 || status >= 500) return 'unavailable';
  if (status >= 400) return 'validation';
  return 'transport';
}
