/**
 * Typed failures and warnings of managed policy (docs/deployment.md, "Checking what the app enforces"). A
 * bad value in one store never stops the app: the merge skips it and records a `PolicyWarning` with the
 * same stable code the error carries, so the app can show IT exactly which setting was refused and why.
 */
import { AppError } from '../errors';

export type PolicyLayerName = 'machine' | 'user' | 'appConfig';

export interface PolicyWarning {
  code: string;
  message: string;
  layer?: PolicyLayerName;
  key?: string;
}

export class InvalidPolicyValueError extends AppError {
  constructor(
    readonly key: string,
    detail: string,
  ) {
    super('policy_invalid_value', `policy "${key}": ${detail}`, 'validation');
  }
}

export class UnknownPolicyKeyError extends AppError {
  constructor(readonly key: string) {
    super('policy_unknown_key', `unknown policy "${key.slice(0, 80)}" ignored`, 'validation');
  }
}

export class PolicyOnlyKeyError extends AppError {
  constructor(readonly key: string) {
    super('policy_not_user_configurable', `"${key}" can be set only by IT policy; the app config value is ignored`, 'permission');
  }
}

export function warningFrom(error: AppError, layer?: PolicyLayerName, key?: string): PolicyWarning {
  return {
    code: error.code,
    message: error.message,
    ...(layer === undefined ? {} : { layer }),
    ...(key === undefined ? {} : { key }),
  };
}

export class ManagedSettingError extends AppError {
  constructor(readonly key: string) {
    super('policy_setting_managed', `"${key}" is managed by your organisation and cannot be changed here`, 'permission');
  }
}

export class SignInMethodNotAllowedError extends AppError {
  constructor(readonly method: string) {
    super('policy_sign_in_method_not_allowed', `signing in with "${method.slice(0, 40)}" is not allowed by your organisation`, 'permission');
  }
}

/** Presence is turned off by policy (`presenceEnabled` false): no status is sealed or opened. */
export class PresenceDisabledError extends AppError {
  constructor() {
    super('policy_presence_disabled', 'presence is turned off by your organisation', 'permission');
  }
}

export class ServerNotAllowedError extends AppError {
  constructor(readonly allowed: string) {
    super('policy_server_not_allowed', `your organisation allows only the key service at ${allowed}`, 'permission');
  }
}

export class LocalModeNotAllowedError extends AppError {
  constructor() {
    super('policy_local_mode_not_allowed', 'local mode is turned off by your organisation', 'permission');
  }
}

export class RecoveryKeyRequiredError extends AppError {
  constructor() {
    super(
      'policy_recovery_key_required',
      'Your organisation requires a recovery key before you send messages. Make one (or type yours back) under Devices → Recovery key.',
      'permission',
    );
  }
}

export class ContactNotVerifiedError extends AppError {
  constructor() {
    super('policy_contact_not_verified', "your organisation requires you to verify this contact's safety number before sending", 'permission');
  }
}
