/**
 * Typed failures of the platform policy loaders (docs/deployment.md §2). None of them stops the app:
 * `loadEffectivePolicy` turns each into a warning for the layer it concerns and ignores that layer.
 */
import { AppError } from '../../common/errors';

/** Why a policy file or one of its folders is not trusted. */
export type UntrustedReason =
  | 'writable_by_others'
  | 'untrusted_owner'
  | 'not_regular_file'
  | 'symlink'
  | 'too_large'
  | 'folder_writable_by_others'
  | 'folder_untrusted_owner'
  | 'folder_not_directory';

const EXPLAIN: Record<UntrustedReason, string> = {
  writable_by_others: 'it is writable by its group or by other users (run: chmod go-w)',
  untrusted_owner: 'it is not owned by root or by the current user (run: chown root)',
  not_regular_file: 'it is not a regular file',
  symlink: 'it is a symbolic link; put the file itself there',
  too_large: 'it is larger than 1 MiB',
  folder_writable_by_others: 'a folder on its path is writable by its group or by other users without the sticky bit',
  folder_untrusted_owner: 'a folder on its path is not owned by root or by the current user',
  folder_not_directory: 'a component of its path is not a folder',
};

export class UntrustedPolicyFileError extends AppError {
  constructor(
    readonly reason: UntrustedReason,
    readonly path: string,
  ) {
    super(`policy_file_${reason}`, `policy file ${path} refused: ${EXPLAIN[reason]}`, 'permission');
  }
}

export class PolicyFileFormatError extends AppError {
  constructor(
    readonly path: string,
    detail: string,
  ) {
    super('policy_file_invalid', `policy file ${path} ignored: ${detail}`, 'validation');
  }
}

export class PolicyStoreError extends AppError {
  constructor(store: string, detail: string) {
    super('policy_store_unreadable', `could not read ${store}: ${detail}`, 'unavailable');
  }
}
