/**
 * Managed-policy merge (docs/deployment.md, "Precedence, groups and locking"): machine > user > app config
 * > defaults, per-group layering, what is managed (and therefore locked), and that bad input is skipped
 * with a warning instead of crashing.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { POLICY_DEFINITIONS } from '../../src/common/policy/definitions';
import { mergePolicyLayers } from '../../src/common/policy/merge';
import { normalizePolicyValue } from '../../src/common/policy/normalize';
import { POLICY_DEFAULTS, POLICY_KEYS, policyValuesSchema } from '../../src/common/policy/values';
import { policyViewSchema, settingLock } from '../../src/common/policy/view';

const codes = (r: { warnings: { code: string }[] }) => r.warnings.map((w) => w.code);

describe('policy merge and precedence', () => {
  it('gives the defaults, nothing managed and no warnings when no store has anything', () => {
    const r = mergePolicyLayers({});
    expect(r.values).toEqual(POLICY_DEFAULTS);
    expect(r.managed).toEqual({});
    expect(r.warnings).toEqual([]);
  });

  it('takes each setting from the highest layer: machine > user > app config > defaults', () => {
    const r = mergePolicyLayers({
      machine: { logLevel: 'warn' },
      user: { logLevel: 'debug', notificationContent: 'none' },
      appConfig: { logLevel: 'error', notificationContent: 'full', requireVerifiedContacts: true },
    });
    expect(r.values.logLevel).toBe('warn');
    expect(r.values.notificationContent).toBe('none');
    expect(r.values.requireVerifiedContacts).toBe(true);
    expect(r.values.serverUrl).toBeNull();
    expect(r.managed).toEqual({ logLevel: 'machine', notificationContent: 'user' });
    expect(r.warnings).toEqual([]);
  });

  it('lets a valid user value stand in for an invalid machine value, and says why', () => {
    const r = mergePolicyLayers({
      machine: { serverUrl: 'http://keys.example.com' },
      user: { serverUrl: 'https://keys.example.com/' },
    });
    expect(r.values.serverUrl).toBe('https://keys.example.com/');
    expect(r.managed.serverUrl).toBe('user');
    expect(r.warnings).toEqual([expect.objectContaining({ code: 'policy_invalid_value', layer: 'machine', key: 'serverUrl' })]);
  });

  it('reads registry and plist shapes: DWORD 1/0 as booleans, REG_MULTI_SZ and separated strings as lists', () => {
    const r = mergePolicyLayers({
      machine: { localModeAllowed: 0, requireVerifiedContacts: 1, allowedSignInMethods: ['oidc', ' device-link ', ''] },
      user: { logLevel: 'debug' },
    });
    expect(r.values.localModeAllowed).toBe(false);
    expect(r.values.requireVerifiedContacts).toBe(true);
    expect(r.values.allowedSignInMethods).toEqual(['oidc', 'device-link']);
    expect(normalizePolicyValue('allowedSignInMethods', 'password, oidc')).toEqual(['password', 'oidc']);
    expect(() => normalizePolicyValue('localModeAllowed', 2)).toThrow(/true\/false/);
    expect(() => normalizePolicyValue('allowedSignInMethods', ['sms'])).toThrow(/allowedSignInMethods/);
    expect(() => normalizePolicyValue('allowedSignInMethods', [])).toThrow(/at least one/);
  });

  it('accepts only https URLs for the key service, plus http on loopback for the local stack', () => {
    const ok = ['https://keys.example.com', 'https://keys.example.com:8443/api/', 'http://127.0.0.1:4000', 'http://localhost:4000'];
    const bad = ['http://keys.example.com', 'https://user:pw@keys.example.com', 'https://keys.example.com/?a=1', 'ftp://x', 'javascript:alert(1)', ''];
    for (const u of ok) expect(normalizePolicyValue('serverUrl', u)).toBe(u);
    for (const u of bad) expect(() => normalizePolicyValue('serverUrl', u), u).toThrow();
    expect(() => normalizePolicyValue('updateFeedUrl', 'http://127.0.0.1:4000')).toThrow(/https/);
  });

  it('takes the PubNub keyset from one layer only: a user key never completes a machine keyset', () => {
    const r = mergePolicyLayers({
      machine: { pubnubPublishKey: 'pub-c-machine', pubnubOrigin: 'pn.example.com' },
      user: { pubnubPublishKey: 'pub-c-user', pubnubSubscribeKey: 'sub-c-user' },
    });
    expect(r.values.pubnubPublishKey).toBe('pub-c-machine');
    expect(r.values.pubnubSubscribeKey).toBeNull();
    expect(r.values.pubnubOrigin).toBe('pn.example.com');
    expect(r.managed).toMatchObject({ pubnubPublishKey: 'machine', pubnubSubscribeKey: 'machine', pubnubOrigin: 'machine' });
    expect(codes(r)).toEqual(['policy_group_overridden', 'policy_incomplete_keyset']);
    expect(r.warnings[0]).toMatchObject({ layer: 'user', key: 'pubnubSubscribeKey' });
  });

  it('never lets a lower layer point an IT-chosen update mode at its own feed', () => {
    const r = mergePolicyLayers({
      machine: { updateMode: 'managed' },
      user: { updateFeedUrl: 'https://evil.example.com/feed' },
    });
    expect(r.values.updateMode).toBe('managed');
    expect(r.values.updateFeedUrl).toBeNull();
    expect(r.managed.updateFeedUrl).toBe('machine');
    expect(codes(r)).toEqual(['policy_group_overridden', 'policy_update_feed_missing']);
  });

  it('ignores policy-only settings in the app config, and other app settings silently', () => {
    const r = mergePolicyLayers({
      appConfig: {
        updateMode: 'managed',
        updateFeedUrl: 'https://evil.example.com/feed',
        localModeAllowed: true,
        allowedSignInMethods: ['password'],
        windowBounds: { width: 1 },
        logLevel: 'debug',
      },
    });
    expect(r.values.updateMode).toBe(POLICY_DEFAULTS.updateMode);
    expect(r.values.updateFeedUrl).toBeNull();
    expect(r.values.allowedSignInMethods).toEqual(POLICY_DEFAULTS.allowedSignInMethods);
    expect(r.values.logLevel).toBe('debug');
    expect(r.managed).toEqual({});
    expect(codes(r).sort()).toEqual(Array(4).fill('policy_not_user_configurable'));
  });

  it('warns about unknown keys in a policy store without applying anything from them', () => {
    const r = mergePolicyLayers({ machine: { ServerURL: 'https://x.example.com', ['__proto__']: 1, logLevel: 'warn' } });
    expect(r.values.serverUrl).toBeNull();
    expect(r.values.logLevel).toBe('warn');
    expect(codes(r)).toEqual(['policy_unknown_key', 'policy_unknown_key']);
  });

  it('never throws and always yields schema-valid values, whatever the stores contain', () => {
    const anyLayer = fc.option(fc.dictionary(fc.oneof(fc.constantFrom(...POLICY_KEYS), fc.string()), fc.jsonValue()), { nil: null });
    fc.assert(
      fc.property(anyLayer, anyLayer, anyLayer, (machine, user, appConfig) => {
        const r = mergePolicyLayers({ machine, user, appConfig });
        expect(policyValuesSchema.safeParse(r.values).success).toBe(true);
        for (const [key, source] of Object.entries(r.managed)) {
          expect(['machine', 'user']).toContain(source);
          expect(POLICY_KEYS).toContain(key);
        }
        expect(policyViewSchema.safeParse(r).success).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  it('has a definition for every schema key and a valid example for each', () => {
    expect(POLICY_DEFINITIONS.map((d) => d.key)).toEqual(POLICY_KEYS);
    expect(new Set(POLICY_DEFINITIONS.map((d) => d.registryName.toLowerCase())).size).toBe(POLICY_KEYS.length);
    for (const d of POLICY_DEFINITIONS) expect(normalizePolicyValue(d.key, d.example)).toEqual(d.example);
  });

  it('locks exactly the managed settings and says who manages them', () => {
    const r = mergePolicyLayers({ machine: { requireVerifiedContacts: true }, user: { logLevel: 'warn' } });
    expect(settingLock(r, 'requireVerifiedContacts')).toMatchObject({ locked: true, source: 'machine' });
    expect(settingLock(r, 'requireVerifiedContacts').label).toMatch(/Require verified contacts is managed by your organisation/);
    expect(settingLock(r, 'logLevel')).toMatchObject({ locked: true, source: 'user' });
    expect(settingLock(r, 'notificationContent')).toEqual({ locked: false, source: null, label: null });
  });
});
