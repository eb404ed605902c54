/**
 * The window's side of recovery for single sign-on accounts (docs/desktop.md "Recovery key"): where the
 * organisation signs in with its company account only, the sign-in screen still offers "Use recovery key",
 * its form asks for no username or password and says it signs in with the company account; the reset under
 * it needs only the typed phrase; making a recovery key asks for the company sign-in instead of a password.
 * The slice hands main `{method: 'sso'}` — never a token.
 */
import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { Onboarding } from '../../src/renderer/src/components/Onboarding';
import { RecoveryKeyDialog } from '../../src/renderer/src/components/RecoveryKeyDialog';
import { RecoveryRestoreForm } from '../../src/renderer/src/components/RecoveryRestoreForm';
import { createRecoverySlice } from '../../src/renderer/src/state/recoverySlice';
import type { BridgeClient } from '../../src/renderer/src/bridge/client';

const noop = () => undefined;
const ssoOnly = { password: false, sso: { displayName: 'Corp SSO' }, deviceLink: true, registration: 'open' as const };
/** The sign-in screen's props, signed out, with every action a no-op. */
const onboarding = {
  busy: false,
  error: null,
  server: null,
  revoked: false,
  linkOffer: null,
  linkStatus: null,
  onSignIn: noop,
  onRegister: noop,
  onStartLink: noop,
  onCheckLink: noop,
  onOpenSettings: noop,
  restore: { busy: false, error: null, onRestore: noop },
};

describe('recovery for an SSO-only organisation, in the window', () => {
  it('the sign-in screen offers "Use recovery key" with SSO only; without SSO or passwords it does not', () => {
    expect(renderToStaticMarkup(createElement(Onboarding, { ...onboarding, choices: ssoOnly }))).toContain('Use recovery key');
    expect(renderToStaticMarkup(createElement(Onboarding, { ...onboarding, choices: { ...ssoOnly, sso: null } }))).not.toContain('Use recovery key');
  });

  it('with SSO only, the recovery key is a button, not a lone tab: its form stays closed and the sign-in error shows', () => {
    const props = { ...onboarding, error: { code: 'sso_failed', message: 'Signing in with Corp SSO did not finish.' } };
    const html = renderToStaticMarkup(createElement(Onboarding, { ...props, choices: ssoOnly }));
    expect(html).toContain('data-testid="restore-open"');
    expect(html).not.toContain('role="tablist"');
    expect(html).not.toContain('data-testid="restore-form"');
    expect(html).toContain('data-testid="onboarding-error"');
    // With passwords too, the tabs stay (the recovery key one among them).
    const both = renderToStaticMarkup(createElement(Onboarding, { ...props, choices: { ...ssoOnly, password: true } }));
    expect(both).toContain('role="tablist"');
    expect(both).not.toContain('data-testid="restore-open"');
  });

  it('the restore form asks no password and signs in with the company account; the reset needs only the phrase', () => {
    const html = renderToStaticMarkup(
      createElement(RecoveryRestoreForm, {
        busy: false,
        error: null,
        initial: { username: '', password: '', deviceName: 'Desktop' },
        onRestore: noop,
        onReset: noop,
        sso: { displayName: 'Corp SSO' },
      }),
    );
    expect(html).toContain('Sign in with Corp SSO and restore');
    expect(html).not.toContain('type="password"');
    expect(html).not.toMatch(/>Username</);
    expect(html).toContain('data-testid="account-reset"');
    const withPassword = renderToStaticMarkup(
      createElement(RecoveryRestoreForm, { busy: false, error: null, initial: { username: '', password: '', deviceName: 'Desktop' }, onRestore: noop }),
    );
    expect(withPassword).toContain('type="password"');
    expect(withPassword).toContain('Restore my account');
  });

  it('making a key asks for the company sign-in instead of a password, and the slice sends {method: "sso"} to main', async () => {
    const dialog = (reauth: { password: boolean; sso: { displayName: string } | null }) =>
      renderToStaticMarkup(
        createElement(RecoveryKeyDialog, {
          status: { state: 'none', backupVersion: null, required: false },
          shown: null,
          username: 'grace',
          busy: false,
          error: null,
          onMake: async () => false,
          onVerify: async () => false,
          onClose: noop,
          reauth,
        }),
      );
    const sso = dialog({ password: false, sso: { displayName: 'Corp SSO' } });
    expect(sso).toContain('Sign in with Corp SSO and make the key');
    expect(sso).not.toContain('type="password"');
    expect(dialog({ password: true, sso: null })).toContain('type="password"');

    const calls: unknown[] = [];
    const bridge = {
      createRecoveryKey: async (who: unknown) => {
        calls.push(who);
        return { recoveryKey: 'ABCD', backupVersion: 1 };
      },
      recoveryStatus: async () => ({ state: 'unconfirmed', backupVersion: 1, required: false }),
    } as unknown as BridgeClient;
    let state: Record<string, unknown> = {};
    const set = (f: unknown) => {
      state = { ...state, ...(typeof f === 'function' ? (f as (s: unknown) => object)(state) : (f as object)) };
    };
    state = createRecoverySlice(bridge)(set as never, (() => state) as never, undefined as never) as unknown as Record<string, unknown>;
    const make = state.makeRecoveryKey as (who: unknown, replace: boolean) => Promise<boolean>;
    expect(await make({ method: 'sso' }, false)).toBe(true);
    expect(calls).toEqual([{ method: 'sso' }]);
  });
});
