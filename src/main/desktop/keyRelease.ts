/**
 * Decisions that release the account key, confirmed where the renderer cannot reach (docs/threat-model.md,
 * "A compromised renderer"). Approving a device link seals the account identity key to the new device and re-wraps all
 * history for it, so main asks twice: the confirmation code the NEW device shows must have been typed on
 * this device and match (linking.ts), and then `KeyReleaseConfirmation` asks the person outside the page —
 * in the Electron build a native dialog naming the device (src/main/electron/keyReleaseDialog.ts). Browser
 * mode has no window of its own: there `CODE_ONLY` stands in and the typed code is the only check. Making
 * or replacing the recovery key (which opens the account key from the backup) is asked the same way, after
 * main checked the account password (recoveryHandlers.ts).
 */
import { AppError } from '../../common/errors';
import type { ErrorCategory } from '../../common/errorCategory';

/** What main is about to release, and to whom (shown by the confirmation). */
export type KeyReleaseRequest =
  | {
      readonly kind: 'deviceLink';
      readonly deviceName: string;
      readonly platform: string;
      readonly deviceId: string;
    }
  | {
      /** A new recovery key (`replace`: instead of the current one) that will open the account key and all backed-up history. */
      readonly kind: 'recoveryKey';
      readonly replace: boolean;
    };

/** Asks the person, outside the renderer, whether to go ahead; false refuses. */
export interface KeyReleaseConfirmation {
  confirm(request: KeyReleaseRequest): Promise<boolean>;
}

/** What the native confirmation says: the device by name and platform, and what approving gives it; or what a recovery key opens. */
export function keyReleaseDialogText(request: KeyReleaseRequest): { title: string; message: string; detail: string; buttons: [string, string] } {
  if (request.kind === 'recoveryKey') {
    return {
      title: request.replace ? 'Replace your recovery key' : 'Make a recovery key',
      message: request.replace ? 'Make a new recovery key for your account?' : 'Make a recovery key for your account?',
      detail: `Whoever has the recovery key and your password can get your account and all your messages on a new device.${request.replace ? ' Your current recovery key will stop working.' : ''} Go on only if you asked for this yourself just now.`,
      buttons: ['Cancel', request.replace ? 'Replace recovery key' : 'Make recovery key'],
    };
  }
  return {
    title: 'Link a new device',
    message: `Link "${request.deviceName}" (${request.platform}) to your account?`,
    detail:
      'It will be able to read all your conversations, past and future, and send as you. Approve only if this is your own device and you started the link on it yourself just now.',
    buttons: ['Cancel', 'Link this device'],
  };
}

/** Browser mode and tests without a native dialog: no second question; the typed code alone decides. */
export const CODE_ONLY: KeyReleaseConfirmation = { confirm: async () => true };

/** Wrong confirmation codes after which main cancels a link on this device. */
export const LINK_CODE_ATTEMPTS = 5;

const CATEGORY = {
  /** Approving without the code the new device shows. */
  link_code_required: 'validation',
  /** The typed code is not the one the new device shows. */
  link_code_mismatch: 'permission',
  /** Too many wrong codes: this device will not approve that link. */
  link_cancelled: 'permission',
  /** The code typed from a contact's screen does not match their pinned (or new) identity key. */
  contact_code_mismatch: 'permission',
  /** What was typed as a contact's code is not 30 or 60 digits or a safety-number QR payload. */
  contact_code_unreadable: 'validation',
} as const satisfies Record<string, ErrorCategory>;

export type KeyReleaseErrorCode = keyof typeof CATEGORY;

/** A key-releasing decision main refused; the message is the sentence the person reads. */
export class KeyReleaseError extends AppError {
  declare readonly code: KeyReleaseErrorCode;
  constructor(code: KeyReleaseErrorCode, message: string) {
    super(code, message, CATEGORY[code]);
  }
}
