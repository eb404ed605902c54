/**
 * Enforcement of managed policy in the main process (docs/deployment.md §2): a managed setting cannot be
 * changed even by a renderer that ignores the lock; disallowed sign-in methods, servers, local mode and
 * unverified contacts are refused with typed errors; notifications, PubNub and logging follow policy.
 */
import { describe, expect, it } from 'vitest';
import {
  checkLocalMode,
  checkMaySend,
  checkServerUrl,
  checkSignInMethod,
  checkUserSettingChange,
  logLevelEnabled,
  notificationText,
  pubnubKeyset,
} from '../../src/common/policy/enforce';
import { mergePolicyLayers } from '../../src/common/policy/merge';

const strict = mergePolicyLayers({
  machine: {
    serverUrl: 'https://keys.corp.example',
    allowedSignInMethods: ['oidc'],
    localModeAllowed: false,
    requireVerifiedContacts: true,
    notificationContent: 'none',
    pubnubPublishKey: 'pub-c-corp',
    pubnubSubscribeKey: 'sub-c-corp',
  },
  user: { logLevel: 'warn' },
});
const open = mergePolicyLayers({});

describe('policy enforcement', () => {
  it('refuses changes to managed settings, policy-only settings and unknown keys; validates the rest', () => {
    expect(() => checkUserSettingChange(strict, 'notificationContent', 'full')).toThrow(expect.objectContaining({ code: 'policy_setting_managed' }));
    expect(() => checkUserSettingChange(strict, 'logLevel', 'debug')).toThrow(expect.objectContaining({ code: 'policy_setting_managed' }));
    expect(() => checkUserSettingChange(open, 'updateFeedUrl', 'https://evil.example')).toThrow(
      expect.objectContaining({ code: 'policy_not_user_configurable' }),
    );
    expect(() => checkUserSettingChange(open, 'theme' as 'logLevel', 'dark')).toThrow(expect.objectContaining({ code: 'policy_unknown_key' }));
    expect(() => checkUserSettingChange(open, 'logLevel', 'loud')).toThrow(expect.objectContaining({ code: 'policy_invalid_value' }));
    expect(checkUserSettingChange(open, 'logLevel', 'debug')).toBe('debug');
  });

  it('allows only the sign-in methods and the key service IT chose', () => {
    expect(() => checkSignInMethod(strict, 'password')).toThrow(expect.objectContaining({ code: 'policy_sign_in_method_not_allowed' }));
    expect(() => checkSignInMethod(strict, 'oidc')).not.toThrow();
    expect(() => checkSignInMethod(open, 'password')).not.toThrow();
    expect(checkServerUrl(strict, 'https://KEYS.corp.example/')).toBe('https://keys.corp.example');
    expect(() => checkServerUrl(strict, 'https://keys.elsewhere.example')).toThrow(expect.objectContaining({ code: 'policy_server_not_allowed' }));
    expect(checkServerUrl(open, 'https://keys.elsewhere.example')).toBe('https://keys.elsewhere.example');
    expect(() => checkServerUrl(open, 'http://keys.elsewhere.example')).toThrow(expect.objectContaining({ code: 'policy_invalid_value' }));
  });

  it('blocks local mode and sending to unverified contacts when policy says so', () => {
    expect(() => checkLocalMode(strict)).toThrow(expect.objectContaining({ code: 'policy_local_mode_not_allowed' }));
    expect(() => checkLocalMode(open)).not.toThrow();
    expect(() => checkMaySend(strict, { safetyNumberVerified: false })).toThrow(expect.objectContaining({ code: 'policy_contact_not_verified' }));
    expect(() => checkMaySend(strict, { safetyNumberVerified: true })).not.toThrow();
    expect(() => checkMaySend(open, { safetyNumberVerified: false })).not.toThrow();
  });

  it('shapes notifications, the PubNub keyset and logging by policy', () => {
    const msg = { senderName: 'Alice', text: 'the merger closes friday' };
    expect(notificationText(strict, msg)).toEqual({ title: 'Seed Messenger', body: 'New message' });
    expect(notificationText(open, msg)).toEqual({ title: 'Alice', body: 'New message' });
    expect(notificationText(mergePolicyLayers({ user: { notificationContent: 'full' } }), msg)).toEqual({ title: 'Alice', body: msg.text });
    expect(pubnubKeyset(strict)).toEqual({ publishKey: 'pub-c-corp', subscribeKey: 'sub-c-corp', origin: null });
    expect(pubnubKeyset(mergePolicyLayers({ machine: { pubnubPublishKey: 'pub-c-only' } }))).toBeNull();
    expect([logLevelEnabled(strict, 'error'), logLevelEnabled(strict, 'warn'), logLevelEnabled(strict, 'info')]).toEqual([true, true, false]);
    expect(logLevelEnabled(open, 'info')).toBe(true);
    expect(logLevelEnabled(open, 'debug')).toBe(false);
  });
});
