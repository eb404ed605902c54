/**
 * What people read when a sessions or password action fails (docs/client.md "Sessions"): one sentence per
 * known code; the code itself goes only to the log.
 */
import type { UiError } from './uiError';

export function sessionErrorText(error: UiError): string {
  switch (error.code) {
    case 'wrong_password':
      return 'The current password is not right, so the password was not changed.';
    case 'invalid_arguments':
    case 'invalid_body':
      return 'The new password must be 10 to 256 characters long.';
    case 'rate_limited':
      return 'Too many attempts. Wait a minute, then try again.';
    case 'session_not_found':
      return 'That session had already ended.';
    case 'key_service_unreachable':
    case 'key_service_timeout':
      return 'The server cannot be reached right now. Try again later.';
    case 'revocation_unproven':
      return 'The server claimed this device was removed but could not prove it. This device kept its keys.';
    default:
      return 'That did not work. Try again, or sign in again if it keeps failing.';
  }
}
