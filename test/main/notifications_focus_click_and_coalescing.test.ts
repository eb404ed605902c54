/**
 * When main shows a notification and what a click does: nothing while the app window has focus; a click
 * emits `navigate` to the conversation through the real event hub; per conversation at most one
 * notification per window, the rest summed up in one summary when it ends (a stepped clock, no waiting);
 * a platform without notifications says so; bad input is refused with a typed error and shows nothing.
 * The unread count reaches the shell's badge.
 */
import { describe, expect, it } from 'vitest';
import type { NotificationArgs } from '../../src/common/ipc/schemas/notifications';
import { mergePolicyLayers } from '../../src/common/policy/merge';
import { COALESCE_MS, type Clock } from '../../src/main/desktop/notificationCoalescer';
import { createNotificationHandlers } from '../../src/main/desktop/notifications';
import { RecordingShell, type DesktopShell } from '../../src/main/desktop/shell';
import { createDispatcher } from '../../src/main/ipc/dispatch';
import { createEventHub, type EventMessage } from '../../src/main/ipc/eventHub';
import { createPolicyHolder } from '../../src/main/services/policyHolder';

/** A clock the test steps: scheduled calls run when `advance` passes their time. */
function steppedClock(): Clock & { advance(ms: number): void } {
  let now = 0;
  const due: { at: number; run: () => void; done: boolean }[] = [];
  return {
    now: () => now,
    schedule(run, ms) {
      const entry = { at: now + ms, run, done: false };
      due.push(entry);
      return () => void (entry.done = true);
    },
    advance(ms) {
      now += ms;
      for (const entry of due.filter((e) => !e.done && e.at <= now).sort((a, b) => a.at - b.at)) {
        entry.done = true;
        entry.run();
      }
    },
  };
}

async function setup(shell: DesktopShell = new RecordingShell(), content: 'full' | 'sender-only' = 'sender-only') {
  const events = createEventHub();
  const seen: EventMessage[] = [];
  events.attach((m) => seen.push(m));
  const clock = steppedClock();
  const policy = await createPolicyHolder(async () => mergePolicyLayers({ appConfig: { notificationContent: content } }));
  const dispatch = createDispatcher(createNotificationHandlers({ shell, policy, events, clock }));
  return { shell, seen, clock, dispatch };
}

const args = (conversationId: string, text: string): NotificationArgs => ({
  conversationId: conversationId as NotificationArgs['conversationId'],
  conversationTitle: 'Bob',
  senderUserId: 'user-bob-0001' as NotificationArgs['senderUserId'],
  senderName: 'Bob',
  text,
});

describe('showNotification', () => {
  it('shows nothing while the app window has focus', async () => {
    const shell = new RecordingShell();
    shell.focused = true;
    const { dispatch } = await setup(shell);
    expect(await dispatch('showNotification', [args('conv-dm-0001', 'hi')])).toEqual({ ok: true, value: { shown: false, reason: 'window-focused' } });
    expect(shell.notifications).toEqual([]);
  });

  it('a click asks the UI to open the conversation', async () => {
    const shell = new RecordingShell();
    const { dispatch, seen } = await setup(shell);
    await dispatch('showNotification', [args('conv-dm-0001', 'hi')]);
    expect(seen).toEqual([]);
    shell.notifications[0]?.click();
    expect(seen).toEqual([{ name: 'navigate', payload: { kind: 'conversation', conversationId: 'conv-dm-0001' } }]);
  });

  it('coalesces a burst in one conversation into one summary; other conversations are not held back', async () => {
    const shell = new RecordingShell();
    const { dispatch, clock, seen } = await setup(shell, 'full');
    await dispatch('showNotification', [args('conv-dm-0001', 'one')]);
    clock.advance(1_000);
    expect(await dispatch('showNotification', [args('conv-dm-0001', 'two')])).toEqual({ ok: true, value: { shown: true, reason: 'shown' } });
    await dispatch('showNotification', [args('conv-dm-0001', 'three')]);
    await dispatch('showNotification', [args('conv-other-01', 'elsewhere')]);
    expect(shell.notifications.map((n) => n.body)).toEqual(['one', 'elsewhere']);

    clock.advance(COALESCE_MS - 1_000);
    expect(shell.notifications.map((n) => n.body)).toEqual(['one', 'elsewhere', 'three']);
    shell.notifications[2]?.click();
    expect(seen.at(-1)).toEqual({ name: 'navigate', payload: { kind: 'conversation', conversationId: 'conv-dm-0001' } });

    clock.advance(1);
    await dispatch('showNotification', [args('conv-dm-0001', 'four')]);
    expect(shell.notifications).toHaveLength(3);
    clock.advance(COALESCE_MS);
    expect(shell.notifications.map((n) => n.body)).toEqual(['one', 'elsewhere', 'three', 'four']);
    clock.advance(COALESCE_MS);
    await dispatch('showNotification', [args('conv-dm-0001', 'five')]);
    expect(shell.notifications.map((n) => n.body)).toEqual(['one', 'elsewhere', 'three', 'four', 'five']);
  });

  it('a summary of several messages says how many when the text may not be shown', async () => {
    const shell = new RecordingShell();
    const { dispatch, clock } = await setup(shell, 'sender-only');
    for (const text of ['a', 'b', 'c']) await dispatch('showNotification', [args('conv-dm-0001', text)]);
    clock.advance(COALESCE_MS);
    expect(shell.notifications.map((n) => [n.title, n.body])).toEqual([
      ['Bob', 'New message'],
      ['Bob', '2 new messages'],
    ]);
  });

  it('drops the summary when the window has focus by the time it is due', async () => {
    const shell = new RecordingShell();
    const { dispatch, clock } = await setup(shell);
    await dispatch('showNotification', [args('conv-dm-0001', 'a')]);
    await dispatch('showNotification', [args('conv-dm-0001', 'b')]);
    shell.focused = true;
    clock.advance(COALESCE_MS);
    expect(shell.notifications).toHaveLength(1);
  });

  it('says "unsupported" where the platform cannot show notifications', async () => {
    const silent: DesktopShell = { isWindowFocused: () => false, notify: () => false, setUnreadCount: () => undefined };
    const { dispatch } = await setup(silent);
    expect(await dispatch('showNotification', [args('conv-dm-0001', 'hi')])).toEqual({ ok: true, value: { shown: false, reason: 'unsupported' } });
  });

  it('refuses bad input with a typed error and shows nothing', async () => {
    const shell = new RecordingShell();
    const { dispatch } = await setup(shell);
    const bad: unknown[] = [
      [{ ...args('conv-dm-0001', 'x'), conversationId: '../../etc' }],
      [{ ...args('conv-dm-0001', 'x'), senderName: '   ' }],
      [{ ...args('conv-dm-0001', 'x'), text: 'x'.repeat(2001) }],
      [{ ...args('conv-dm-0001', 'x'), html: '<b>' }],
      [args('conv-dm-0001', 'x'), 'extra'],
      [],
      'not a tuple',
    ];
    for (const input of bad) {
      expect(await dispatch('showNotification', input)).toMatchObject({ ok: false, error: { code: 'invalid_arguments' } });
    }
    expect(shell.notifications).toEqual([]);
  });
});

describe('RecordingShell', () => {
  it('keeps only the newest notifications', () => {
    const shell = new RecordingShell();
    for (let i = 0; i < RecordingShell.KEPT + 5; i++) shell.notify({ title: `t${i}`, body: 'b', onClick: () => undefined });
    expect(shell.notifications).toHaveLength(RecordingShell.KEPT);
    expect(shell.notifications[0]?.title).toBe('t5');
  });
});

describe('setUnreadCount', () => {
  it('hands the total to the shell and refuses anything but a whole number from 0', async () => {
    const shell = new RecordingShell();
    const { dispatch } = await setup(shell);
    expect(await dispatch('setUnreadCount', [7])).toEqual({ ok: true, value: null });
    expect(shell.unreadCount).toBe(7);
    for (const bad of [-1, 1.5, '3', null]) {
      expect(await dispatch('setUnreadCount', [bad])).toMatchObject({ ok: false, error: { code: 'invalid_arguments' } });
    }
    expect(shell.unreadCount).toBe(7);
  });
});
