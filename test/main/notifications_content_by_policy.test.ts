/**
 * What a desktop notification shows, decided in main by the effective `notificationContent` setting
 * (the user's choice in their app config unless IT manages the key): through the real composition root,
 * dispatcher, settings service and policy loader over a temp profile, with the recording shell in place of
 * the OS. The renderer always hands main the decrypted text; only `full` may show it.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { NotificationArgs } from '../../src/common/ipc/schemas/notifications';
import { mergePolicyLayers } from '../../src/common/policy/merge';
import { bootstrapMain } from '../../src/main/bootstrap';
import { createHandlers } from '../../src/main/composition';
import { escapeNotificationMarkup, NOTIFICATION_BODY_MAX, shorten } from '../../src/main/desktop/notificationContent';
import { RecordingShell } from '../../src/main/desktop/shell';
import { createDispatcher } from '../../src/main/ipc/dispatch';
import type { EffectivePolicy } from '../../src/main/policy/loadEffectivePolicy';

const facts = { name: 'Seed Messenger', version: '0.1.0', platform: 'linux', runtime: 'node' as const, runtimeVersion: '20' };

async function app(policy?: EffectivePolicy) {
  const deps = await bootstrapMain({ facts, home: mkdtempSync(join(tmpdir(), 'seed-notify-')), profile: 'alice', network: 'none' });
  if (policy !== undefined) deps.policy = { current: () => policy, reload: async () => policy };
  const shell = new RecordingShell();
  const dispatch = createDispatcher(createHandlers({ ...deps, shell }));
  const call = async (channel: string, ...args: unknown[]) => {
    const r = await dispatch(channel, args);
    if (!r.ok) throw Object.assign(new Error(r.error.message), { code: r.error.code });
    return r.value;
  };
  return { shell, call };
}

const dm: NotificationArgs = {
  conversationId: 'conv-dm-bob-01' as NotificationArgs['conversationId'],
  conversationTitle: 'Bob',
  senderUserId: 'user-bob-0001' as NotificationArgs['senderUserId'],
  senderName: 'Bob',
  text: 'the launch code is 0000',
};
const group: NotificationArgs = { ...dm, conversationId: 'conv-team-0001' as NotificationArgs['conversationId'], conversationTitle: 'Project Falcon' };

describe('notification content follows the notificationContent setting', () => {
  it('by default (sender-only) names the sender but never shows the message text', async () => {
    const { shell, call } = await app();
    expect(await call('showNotification', dm)).toEqual({ shown: true, reason: 'shown' });
    expect(shell.notifications).toMatchObject([{ title: 'Bob', body: 'New message' }]);
    expect(JSON.stringify(shell.notifications)).not.toContain('launch code');
  });

  it('in a group, the title names the sender and the conversation', async () => {
    const { shell, call } = await app();
    await call('showNotification', group);
    expect(shell.notifications).toMatchObject([{ title: 'Bob in Project Falcon', body: 'New message' }]);
  });

  it('shows the text once the user chose "full" in settings', async () => {
    const { shell, call } = await app();
    await call('setSettings', { notifications: 'full' });
    await call('showNotification', group);
    expect(shell.notifications).toMatchObject([{ title: 'Bob in Project Falcon', body: 'the launch code is 0000' }]);
  });

  it('"none" names neither the sender nor the conversation nor the text', async () => {
    const { shell, call } = await app();
    await call('setSettings', { notifications: 'none' });
    await call('showNotification', group);
    expect(shell.notifications).toMatchObject([{ title: 'Seed Messenger', body: 'New message' }]);
    const shown = JSON.stringify(shell.notifications);
    for (const secret of ['Bob', 'Falcon', 'launch code']) expect(shown).not.toContain(secret);
  });

  it('a setting IT manages wins over the user config, and the user cannot change it', async () => {
    const managed = mergePolicyLayers({ machine: { notificationContent: 'none' }, appConfig: { notificationContent: 'full' } });
    const { shell, call } = await app(managed);
    await call('showNotification', dm);
    expect(shell.notifications).toMatchObject([{ title: 'Seed Messenger', body: 'New message' }]);
    await expect(call('setSettings', { notifications: 'full' })).rejects.toMatchObject({ code: 'policy_setting_managed' });
  });

  it('shortens a long text for display and keeps whole characters', async () => {
    const { shell, call } = await app(mergePolicyLayers({ machine: { notificationContent: 'full' } }));
    const long = `${'🦊 fox\n\n'.repeat(100)}END`;
    await call('showNotification', { ...dm, text: long });
    const body = shell.notifications[0]?.body ?? '';
    expect(Array.from(body).length).toBeLessThanOrEqual(NOTIFICATION_BODY_MAX);
    expect(body.endsWith('…')).toBe(true);
    expect(body).not.toContain('\n');
    expect(body).not.toContain('END');
    expect(body.startsWith('🦊 fox 🦊 fox')).toBe(true);
    expect(body.includes('\uFFFD')).toBe(false);
  });
});

describe('display helpers', () => {
  it('shorten leaves short text alone and cuts at code points', () => {
    expect(shorten('  hi\tthere  ', 10)).toBe('hi there');
    expect(shorten('abcdef', 4)).toBe('abc…');
    expect(Array.from(shorten('😀'.repeat(10), 5))).toEqual(['😀', '😀', '😀', '😀', '…']);
  });

  it('escapes the markup Linux notification servers would interpret', () => {
    expect(escapeNotificationMarkup('<b>hi</b> & <a href="x">\'y\'</a>')).toBe(
      '&lt;b&gt;hi&lt;/b&gt; &amp; &lt;a href=&quot;x&quot;&gt;&apos;y&apos;&lt;/a&gt;',
    );
    expect(escapeNotificationMarkup('plain text')).toBe('plain text');
  });
});
