/**
 * The checks that make managed policy real (docs/deployment.md §2), in one place for
 * every part that acts on a setting: main-side settings writes, sign-in, server choice, local mode,
 * sending, notifications, PubNub configuration and logging. Locking a control in the renderer is only
 * the visible half; these run in the main process, so a managed setting cannot be changed even by a
 * renderer that ignores the lock. Each refusal is a typed error with a stable code.
 */
import { missingCase } from '../errors';
import {
  ContactNotVerifiedError,
  LocalModeNotAllowedError,
  PresenceDisabledError,
  ManagedSettingError,
  PolicyOnlyKeyError,
  RecoveryKeyRequiredError,
  ServerNotAllowedError,
  SignInMethodNotAllowedError,
  UnknownPolicyKeyError,
} from './errors';
import { policyDefinition } from './definitions';
import type { EffectivePolicy } from './merge';
import { normalizePolicyValue } from './normalize';
import { LOG_LEVELS, POLICY_KEYS, type LogLevel, type PolicyKey, type PolicyValues, type SignInMethod } from './values';

type Policy = Pick<EffectivePolicy, 'values' | 'managed'>;

/**
 * Validates a change the user makes to their own app config. Refuses a managed setting, a policy-only
 * setting, an unknown key and an invalid value; returns the normalized value to store.
 */
export function checkUserSettingChange<K extends PolicyKey>(policy: Policy, key: K, value: unknown): NonNullable<PolicyValues[K]> {
  if (!POLICY_KEYS.includes(key)) throw new UnknownPolicyKeyError(String(key));
  if (policy.managed[key] !== undefined) throw new ManagedSettingError(key);
  if (policyDefinition(key).policyOnly) throw new PolicyOnlyKeyError(key);
  return normalizePolicyValue(key, value);
}

export function checkSignInMethod(policy: Policy, method: SignInMethod | string): void {
  if (!(policy.values.allowedSignInMethods as readonly string[]).includes(method)) throw new SignInMethodNotAllowedError(method);
}

/** Presence (docs/messaging.md "Presence") is allowed unless policy turned it off. */
export function checkPresenceEnabled(policy: Policy): void {
  if (!policy.values.presenceEnabled) throw new PresenceDisabledError();
}

const stripSlash = (url: string) => url.trim().replace(/\/+$/, '').toLowerCase();

/** The key-service URL to use: the managed one, or the user's choice when policy sets none. */
export function checkServerUrl(policy: Policy, requested: string): string {
  const managed = policy.values.serverUrl;
  if (policy.managed.serverUrl !== undefined && managed !== null) {
    if (stripSlash(requested) !== stripSlash(managed)) throw new ServerNotAllowedError(managed);
    return managed;
  }
  return normalizePolicyValue('serverUrl', requested);
}

export function checkLocalMode(policy: Policy): void {
  if (!policy.values.localModeAllowed) throw new LocalModeNotAllowedError();
}

export function checkMaySend(policy: Policy, contact: { safetyNumberVerified: boolean }): void {
  if (policy.values.requireVerifiedContacts && !contact.safetyNumberVerified) throw new ContactNotVerifiedError();
}

/** With `requireRecoveryKey`: no sending until the account's recovery key was typed back on this device. */
export function checkRecoveryKeyConfirmed(policy: Policy, recovery: { confirmed: boolean }): void {
  if (policy.values.requireRecoveryKey && !recovery.confirmed) throw new RecoveryKeyRequiredError();
}

export interface NotificationText {
  title: string;
  body: string;
}

/** What a desktop notification may show under the `notificationContent` policy. */
export function notificationText(policy: Policy, message: { senderName: string; text: string }): NotificationText {
  switch (policy.values.notificationContent) {
    case 'full':
      return { title: message.senderName, body: message.text };
    case 'sender-only':
      return { title: message.senderName, body: 'New message' };
    case 'none':
      return { title: 'Seed Messenger', body: 'New message' };
    default:
      return missingCase(policy.values.notificationContent);
  }
}

/** The PubNub keyset to use, or `null` when policy/config holds no complete keyset. */
export function pubnubKeyset(policy: Policy): { publishKey: string; subscribeKey: string; origin: string | null } | null {
  const { pubnubPublishKey, pubnubSubscribeKey, pubnubOrigin } = policy.values;
  if (pubnubPublishKey === null || pubnubSubscribeKey === null) return null;
  return { publishKey: pubnubPublishKey, subscribeKey: pubnubSubscribeKey, origin: pubnubOrigin };
}

/** Whether a log record at `level` is written under the `logLevel` policy. */
export function logLevelEnabled(policy: Policy, level: LogLevel): boolean {
  return LOG_LEVELS.indexOf(level) <= LOG_LEVELS.indexOf(policy.values.logLevel);
}
