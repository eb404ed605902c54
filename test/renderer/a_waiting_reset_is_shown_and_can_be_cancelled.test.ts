/**
 * The waiting reset in the renderer (docs/protocol.md §18.9 "The waiting period", docs/desktop.md "Recovery
 * key"), over the real contract dispatcher with in-memory handlers standing in for main: a signed-in
 * device's banner says when and from what a reset was requested and offers to cancel it (then what to do
 * next); the signed-out profile that asked shows until when it waits and how long is left, and a finish
 * before the period, or after a cancellation, reads as a sentence.
 */
import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { AppError } from '../../src/common/errors';
import { buildBridge, createEventRouter } from '../../src/common/ipc/bridge';
import { ACCOUNT_RESET_PHRASE, type AccountResetRequestView } from '../../src/common/ipc/schemas/recovery';
import { createDispatcher, type Handlers } from '../../src/main/ipc/dispatch';
import { createBridgeClient } from '../../src/renderer/src/bridge/client';
import { AccountResetSection, timeLeft } from '../../src/renderer/src/components/AccountResetSection';
import { PendingResetBanner } from '../../src/renderer/src/components/PendingResetBanner';
import { describeError } from '../../src/renderer/src/model/uiError';
import { recoverySelectors } from '../../src/renderer/src/state/recoverySlice';
import { createAppStore } from '../../src/renderer/src/state/store';

const DAY = 24 * 3_600_000;
const waiting: AccountResetRequestView = {
  state: 'waiting',
  requestedAt: 1_000,
  finishesAt: 1_000 + 7 * DAY,
  deviceName: 'thief laptop',
  platform: 'desktop',
  address: '203.0.113.9',
  requestedHere: false,
  cancelledAt: null,
};
const formatTime = (ms: number) => `T${ms}`;
const banner = (request: AccountResetRequestView | null, cancelledHere = false) =>
  renderToStaticMarkup(createElement(PendingResetBanner, { request, cancelledHere, busy: false, onCancel: () => undefined, formatTime }));

describe('the banner of a signed-in device', () => {
  it('says when and from what a reset was requested, and offers to cancel it', () => {
    const html = banner(waiting);
    expect(html).toContain('role="alert"');
    expect(html).toContain(
      'A reset of your account was requested on T1000 from a computer named “thief laptop” (address 203.0.113.9). If this wasn’t you, cancel it and change your password.',
    );
    expect(html).toContain(`your account gets a new identity on T${waiting.finishesAt}`);
    expect(html).toContain('data-testid="pending-reset-cancel"');
  });

  it('shows nothing without a request, on the profile that asked, or for a cancellation made elsewhere; after cancelling here, what to do next', () => {
    expect(banner(null)).toBe('');
    expect(banner({ ...waiting, requestedHere: true })).toBe('');
    const cancelled = { ...waiting, state: 'cancelled' as const, cancelledAt: 2_000 };
    expect(banner(cancelled)).toBe('');
    expect(banner(cancelled, true)).toContain('it will not happen. If you did not ask for it, change your password now.');
  });
});

describe('the reset section of the profile that asked', () => {
  const section = (pending: AccountResetRequestView | null, now = 1_000) =>
    renderToStaticMarkup(
      createElement(AccountResetSection, {
        busy: false,
        credentials: { username: 'alice', password: 'correct horse battery', deviceName: 'New laptop' },
        onReset: () => undefined,
        pending,
        onFinish: () => undefined,
        formatTime,
        now,
      }),
    );

  it('shows until when it waits and how long is left, open, with a button to finish it', () => {
    const html = section({ ...waiting, requestedHere: true });
    expect(html).toContain(`Your reset will finish on T${waiting.finishesAt} unless a signed-in device cancels it (7 days left).`);
    expect(html).toContain('data-testid="account-reset-finish"');
    expect(html).toContain(' open=""');
    expect(html).not.toContain('account-reset-phrase');
    expect(section({ ...waiting, requestedHere: true, state: 'cancelled', cancelledAt: 5 })).toContain('cancelled this reset, so it will not happen');
    // Nothing waits here: the phrase and the reset button, as before.
    expect(section(null)).toContain('account-reset-phrase');
    expect(timeLeft(10 * 3_600_000, 0)).toBe('10 hours');
    expect(timeLeft(60_000, 0)).toBe('less than an hour');
  });
});

describe('the recovery slice over the contract', () => {
  function store(opts: { cancelled: { value: boolean } }) {
    let request: AccountResetRequestView | null = null;
    const handlers: Handlers = {
      resetAccount: async () => {
        request = { ...waiting, requestedHere: true };
        return { state: 'signedOut', serverUrl: 'http://127.0.0.1:1', localStack: true };
      },
      accountResetRequest: async () => request,
      cancelAccountReset: async () => {
        if (request?.state !== 'waiting') throw new AppError('no_account_reset', 'no reset of this account is waiting', 'not_found');
        request = { ...request, state: 'cancelled', cancelledAt: 2_000 };
        return request;
      },
      finishAccountReset: async () => {
        if (opts.cancelled.value) {
          request = null;
          throw new AppError('reset_cancelled', 'a signed-in device of the account cancelled this reset', 'conflict');
        }
        throw new AppError('reset_waiting', 'this reset waits until …', 'conflict');
      },
    };
    const events = createEventRouter();
    const bridge = createBridgeClient(buildBridge(createDispatcher(handlers), events.subscribe));
    return createAppStore(bridge, { events: { on: () => () => {} }, now: () => 1_000, isActive: () => true, startChat: null });
  }
  const input = { username: 'alice', password: 'correct horse battery', deviceName: 'New laptop', typedPhrase: ACCOUNT_RESET_PHRASE } as const;

  it('a reset that waits stays signed out and shows its request; finishing early or after a cancellation reads as a sentence', async () => {
    const cancelled = { value: false };
    const s = store({ cancelled });
    await s.getState().resetAccount(input);
    expect(s.getState().session.current?.state).toBe('signedOut');
    expect(recoverySelectors.pendingReset(s.getState())).toMatchObject({ state: 'waiting', requestedHere: true });
    await s.getState().finishPendingReset();
    expect(describeError(recoverySelectors.error(s.getState())!)).toMatch(/^Your reset is still waiting/);
    expect(recoverySelectors.pendingReset(s.getState())).not.toBeNull();
    cancelled.value = true;
    await s.getState().finishPendingReset();
    expect(recoverySelectors.error(s.getState())?.code).toBe('reset_cancelled');
    expect(describeError(recoverySelectors.error(s.getState())!)).toMatch(/cancelled this reset, so it did not happen/);
    expect(recoverySelectors.pendingReset(s.getState())).toBeNull();
  });

  it('a signed-in device cancels: the banner then says what to do next', async () => {
    const s = store({ cancelled: { value: false } });
    await s.getState().resetAccount(input);
    await s.getState().cancelPendingReset();
    expect(recoverySelectors.pendingReset(s.getState())?.state).toBe('cancelled');
    expect(recoverySelectors.resetCancelledHere(s.getState())).toBe(true);
    await s.getState().cancelPendingReset();
    expect(recoverySelectors.error(s.getState())?.code).toBe('no_account_reset');
    expect(describeError(recoverySelectors.error(s.getState())!)).toBe('There is no reset of your account waiting any more. Nothing changed.');
  });
});
