/** The error shape the UI shows: a stable code (from main's typed errors) and a message for people. */
import { BridgeError } from '../bridge/client';
import type { ErrorCategory } from '../../../common/errorCategory';
import { errorCategory, isErrorCode } from '../../../common/errorCodes';

export interface UiError {
  readonly code: string;
  readonly message: string;
}

export function toUiError(e: unknown): UiError {
  if (e instanceof BridgeError) return { code: e.code, message: e.message };
  const code: unknown = e instanceof Error ? (e as Error & { code?: unknown }).code : undefined;
  if (e instanceof Error && typeof code === 'string') return { code, message: e.message };
  if (e instanceof Error) return { code: 'internal', message: e.message };
  return { code: 'internal', message: String(e) };
}

const BLOCKED = 'Nothing was sent. Tell your IT team; the conversation stays blocked until the server sends what its members signed.';

/**
 * The attacks the client core refuses (docs/protocol.md §15, docs/threat-model.md), as one plain sentence
 * each: what happened and what to do. The code itself is not in the sentence (the UI keeps it for logs).
 */
export const TRUST_SENTENCES: Readonly<Record<string, string>> = {
  membership_mismatch:
    "The server's member list for this conversation does not match what its members signed. Nothing was sent. Tell your IT team; the conversation stays blocked until it matches.",
  membership_missing: `The server did not send the signed member history of this conversation, so its members cannot be checked. ${BLOCKED}`,
  membership_rollback: `The server sent an altered or outdated member history for this conversation, so its members cannot be trusted. ${BLOCKED}`,
  membership_fork: `The server sent an altered or outdated member history for this conversation, so its members cannot be trusted. ${BLOCKED}`,
  chain_broken: `The server sent an altered or outdated member history for this conversation, so its members cannot be trusted. ${BLOCKED}`,
  membership_rule: `The member history of this conversation contains a change its author was not allowed to make, so its members cannot be trusted. ${BLOCKED}`,
  member_mismatch:
    "The server offered a conversation key made for people who are not this conversation's members. It was not used and nothing was sent with it; tell your IT team if this keeps happening.",
  version_rollback:
    'The server offered an older key that a removed member may still hold. It was not used and nothing was sent with it; tell your IT team if this keeps happening.',
  membership_unmigrated:
    "The members of this conversation cannot be changed yet: it is older than signed membership, and its owner's app records its members the next time it is used. Try again later.",
  sender_removed: 'This message was sent by someone after they were removed. It is not shown.',
  sender_revoked: 'This message was sent from a device its owner had signed out. It is not shown; if you expected it, ask them to send it again.',
  signer_not_member: 'This message was signed by someone who is not a member of this conversation. It is not shown; tell your IT team if this keeps happening.',
  key_manager_url_refused:
    'That key manager is not reached over https, so anyone on the network could read the channel. Nothing was sent to it; use an https:// address.',
  key_manager_not_in_descriptor: "This channel's signed description names a different key manager, so the one given was not contacted. Nothing changed.",
  descriptor_not_certified:
    "This channel's description is not signed by the account its creator is known by here, so it was not opened. Tell your IT team if this keeps happening.",
};

/**
 * Plain sentences for the codes people meet most, whatever main's message says: what happened and what to do.
 * Main's message stays in the "Details" disclosure (ErrorNotice) and in the log.
 */
export const SENTENCES: Readonly<Record<string, string>> = {
  bad_credentials: 'That username and password do not match. Check both and try again.',
  wrong_password: 'The password is not right. Nothing was changed; try again.',
  username_taken: 'That username is taken. Choose another one.',
  registration_closed: 'This organisation does not let people create accounts here. Ask your IT team for an account.',
  account_deactivated: 'Your organisation has deactivated this account, so it cannot sign in or read new messages. Ask your IT team.',
  sign_in_method_not_allowed: 'Your organisation does not allow this way of signing in. Use the sign-in your IT team set up.',
  needs_device_link:
    'This account already has a device, so this computer must be linked from it. Choose "Link this device instead", then approve it on your other device.',
  not_signed_in: 'You are signed out. Sign in again to continue.',
  session_revoked: 'This sign-in was ended from another device. Sign in again to continue.',
  device_revoked: 'This device was removed from your account. Link it again from a device you still use.',
  invalid_token: 'Your sign-in has expired. Sign in again to continue.',
  invalid_refresh_token: 'Your sign-in has expired. Sign in again to continue.',
  not_a_member: 'You are no longer a member of this conversation, so you cannot do this here.',
  role_required: 'Only the conversation’s admins can do this. Ask one of them.',
  forbidden: 'You are not allowed to do this. Ask your IT team if you think you should be.',
  rate_limited: 'Too many attempts in a short time. Wait a minute and try again.',
  invalid_body: 'The app sent something the server could not accept. Nothing was changed; try again, and tell your IT team if it keeps happening.',
  too_large: 'This message is too long to send. Shorten it or split it into several messages.',
  payload_too_large: 'This is too large to send. Shorten it and try again.',
  link_expired: 'The link code has expired. Start linking again to get a new code.',
  link_not_found: 'That link code is not known. Check it, or start linking again on the new device.',
  keychain_unavailable: 'The system keychain is not available, so your keys cannot be opened. Unlock your computer’s keychain and try again.',
  local_store_failed: 'Your message history on this computer could not be saved. Messages still arrive; restart the app if this keeps happening.',
  search_query_empty: 'Type a word to search for.',
  search_query_too_long: 'That search is too long. Use fewer words.',
  unknown_user: 'There is no one with that name here. Check the spelling.',
  recovery_key_unreadable:
    'That is not a complete recovery key: a character is missing or mistyped. Check each group of four against what you saved, and try again.',
  recovery_key_invalid: 'That recovery key does not belong to this account. Nothing was changed; use the key you saved for this account.',
  recovery_key_outdated: 'That recovery key was replaced by a newer one and no longer works. Use the newest recovery key you saved.',
  no_recovery_key: 'This account has no recovery key. Link this computer from another device of the account instead.',
  account_has_active_device:
    'Your account is still signed in on another device, so it was not reset and nothing changed. Link this computer from that device instead.',
  reset_waiting:
    'Your reset is still waiting: another device of your account is signed in and can stop it until the time shown. Nothing changed; finish it then, or link this computer from that device.',
  reset_cancelled: 'A signed-in device of your account cancelled this reset, so it did not happen and nothing changed.',
  reset_already_waiting:
    'A reset of this account is already waiting, so another one cannot be started. It finishes at the time shown on the computer that asked for it, unless a signed-in device cancels it.',
  no_account_reset: 'There is no reset of your account waiting any more. Nothing changed.',
  // Files (docs/desktop.md "Files"; src/main/desktop/fileHandlers.ts)
  transfer_unknown: 'That file transfer is already over. Send or save the file again.',
  transfer_running: 'This file is still being sent. Wait for it to finish, or cancel it first.',
  upload_too_many: 'Several files are already being handed over. Wait for one to finish and try again.',
  upload_out_of_order: 'The file did not reach the app whole, so it was not sent. Try again.',
  upload_too_large: 'The file changed while it was being sent, so it was not sent. Try again.',
  upload_incomplete: 'The file did not reach the app whole, so it was not sent. Try again.',
  download_out_of_range: 'The saved file could not be read back whole. Save it again.',
  attachment_store_unconfigured: 'Files cannot be sent or fetched here: no file store is set up. Ask your IT team.',
  backup_key_changed:
    'The key backup on the server was changed without your account’s signature, so it was not used. Tell your IT team, and make a new recovery key on a device you trust.',
};

/** The sentence for each error category (src/common/errorCategory.ts) when a code has none of its own. */
export const CATEGORY_SENTENCES: Readonly<Record<ErrorCategory, string>> = {
  auth: 'Your sign-in is no longer valid. Sign in again to continue.',
  permission: 'You are not allowed to do this. Ask an admin of the conversation or your IT team.',
  validation: 'That could not be done as entered. Nothing was changed; check it and try again.',
  not_found: 'That is not there any more. Refresh and try again.',
  conflict: 'Something changed meanwhile. Nothing was lost; try again.',
  crypto: 'This could not be verified, so it was refused. Tell your IT team if this keeps happening.',
  transport: 'The app cannot reach the server right now. Check your network connection; the app keeps trying by itself.',
  unavailable: 'The service is not available right now. Try again in a moment.',
};

/**
 * What a person reads for an error: a trust sentence or a known code's sentence; for any other code of the
 * catalog, main's message when the code is local to the desktop (main writes those for people), else the
 * sentence of the code's category — never a stack, an address or a code.
 */
export function describeError(error: UiError): string {
  const sentence = TRUST_SENTENCES[error.code] ?? SENTENCES[error.code];
  if (sentence !== undefined) return sentence;
  switch (error.code) {
    case 'unavailable':
      return `This feature is not available yet (${error.message}).`;
    case 'bridge_unavailable':
      return 'The app core is not reachable from this window.';
    case 'forbidden_sender':
      return `The app core refused this window: ${error.message}.`;
    case 'internal':
      return 'Something went wrong inside the app. Nothing was changed; try again, and restart the app if it keeps happening.';
    case 'invalid_arguments':
      return 'The app sent the wrong details for this request. Nothing was changed; restart the app if it keeps happening.';
    default:
      break;
  }
  if (isErrorCode(error.code)) {
    const category = errorCategory(error.code);
    // Network failures carry socket errors and addresses in their messages: never shown.
    if (category === 'transport' || category === 'unavailable' || TECHNICAL.test(error.message)) return CATEGORY_SENTENCES[category];
    return readable(error.message) ? error.message : CATEGORY_SENTENCES[category];
  }
  return readable(error.message) ? error.message : 'Something went wrong. Try again, and restart the app if it keeps happening.';
}

/** Engineering text a person should not read: socket errors, addresses, stack frames, HTTP statuses. */
const TECHNICAL = /(E[A-Z]{4,}|https?:\/\/|\d{1,3}(\.\d{1,3}){3}|at [\w.]+ \(|HTTP \d{3}|status \d{3}|undefined|null|NaN)|\{|\}/;

/** A message that reads as text: not empty, not engineering text. */
function readable(message: string): boolean {
  return message.trim().length > 0 && !TECHNICAL.test(message);
}

/** A failure to reach a server (category `transport`): shown as a calm status line, since the app retries by itself. */
export function isNetworkError(error: UiError): boolean {
  return isErrorCode(error.code) && errorCategory(error.code) === 'transport';
}
