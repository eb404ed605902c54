/**
 * The broadcast channel view models (docs/broadcast.md §8.1): the window of newest posts and how many of
 * them main must open (lazy decryption), the rows (opened, not readable with a friendly line and its code,
 * not opened), role words, who may publish, list order, and the "New channel" form's checks — which agree
 * with the contract's own argument schema on arbitrary input.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { keyManagerUrlProblem } from '../../src/common/broadcast/keyManagerUrl';
import type { ChannelId, UserId } from '../../src/common/ids';
import { createChannelArgsSchema, type BroadcastChannelSummary, type BroadcastMessage } from '../../src/common/ipc/schemas/broadcast';
import { canPublish, channelRoles, checkNewChannel, rolesText, sortChannels } from '../../src/renderer/src/model/broadcastChannels';
import { broadcastRows, MAX_OPEN, notReadableLine, sealedToOpen, windowOf } from '../../src/renderer/src/model/broadcastRows';
import { describeError } from '../../src/renderer/src/model/uiError';
import { mergeChannel } from '../../src/renderer/src/state/broadcastSlice';

const CH = 'channel-news-01' as ChannelId;

const opened = (tt: string, text: string, device = 'device-alice1'): BroadcastMessage => ({
  channelId: CH,
  timetoken: tt,
  keyVersion: 1,
  state: 'opened',
  senderDevice: device,
  sentAt: 1_700_000_000_000,
  type: 'string',
  text,
});
const sealed = (tt: string): BroadcastMessage => ({ channelId: CH, timetoken: tt, keyVersion: 1, state: 'sealed' });
const failed = (tt: string, errorCode: string): BroadcastMessage => ({ channelId: CH, timetoken: tt, keyVersion: 2, state: 'notReadable', errorCode });

function channel(name: string, over: Partial<BroadcastChannelSummary> = {}): BroadcastChannelSummary {
  return {
    channelId: `channel-${name.toLowerCase()}-0` as ChannelId,
    name,
    keyManagerUrl: 'http://127.0.0.1:8787/km',
    creatorUserId: 'user-alice-01' as UserId,
    owner: false,
    subscriber: false,
    publisher: false,
    following: false,
    ...over,
  };
}

describe('broadcast rows', () => {
  it('the window is the newest posts; only its unopened ones are to be opened', () => {
    const list = [sealed('1'), sealed('2'), opened('3', 'c'), sealed('4'), failed('5', 'subscriber_revoked')];
    expect(windowOf(list, 3).map((m) => m.timetoken)).toEqual(['3', '4', '5']);
    expect(windowOf(list, 50)).toHaveLength(5);
    expect(sealedToOpen(list, 3)).toBe(1);
    expect(sealedToOpen(list, 5)).toBe(3);
    expect(sealedToOpen([], 30)).toBe(0);
    expect(
      sealedToOpen(
        Array.from({ length: 900 }, (_, i) => sealed(String(i))),
        900,
      ),
    ).toBe(MAX_OPEN);
  });

  it('rows: opened text (own posts marked), not-readable line with its code, sealed placeholder', () => {
    const rows = broadcastRows(
      [sealed('1'), opened('2', '<b>hi</b>', 'device-me0001'), opened('3', 'yo'), failed('4', 'subscriber_revoked')],
      3,
      'device-me0001',
    );
    expect(rows).toEqual([
      { kind: 'opened', key: '2', text: '<b>hi</b>', sentAt: 1_700_000_000_000, keyVersion: 1, mine: true },
      { kind: 'opened', key: '3', text: 'yo', sentAt: 1_700_000_000_000, keyVersion: 1, mine: false },
      {
        kind: 'notReadable',
        key: '4',
        code: 'subscriber_revoked',
        line: 'You were removed from this channel; messages after that cannot be read.',
        keyVersion: 2,
      },
    ]);
    expect(broadcastRows([sealed('9')], 30, null)).toEqual([{ kind: 'sealed', key: '9', keyVersion: 1 }]);
  });

  it('every code gets a sentence; unknown codes a generic one', () => {
    expect(notReadableLine('role_missing')).toMatch(/not a subscriber/);
    expect(notReadableLine('key_manager_timeout')).toMatch(/cannot be reached/);
    expect(notReadableLine('signer_not_member')).toMatch(/not signed by a publisher/);
    expect(notReadableLine('bad_tag')).toMatch(/damaged/);
    expect(notReadableLine('something_new')).toBe('This message cannot be read.');
  });

  it('broadcast trust refusals read as sentences without their codes', () => {
    expect(notReadableLine('signer_not_certified')).toMatch(/^This message claims to come from someone whose account key does not match/);
    for (const code of ['key_manager_url_refused', 'key_manager_not_in_descriptor', 'descriptor_not_certified']) {
      const sentence = describeError({ code, message: code });
      expect(sentence, code).toMatch(/^[A-Z].*\.$/);
      expect(sentence, code).not.toContain(code);
    }
  });
});

describe('channel list helpers', () => {
  it('roles as words; owner and publishers publish only when following', () => {
    expect(channelRoles(channel('A', { owner: true, subscriber: true }))).toEqual(['owner', 'subscriber']);
    expect(rolesText(channel('A'))).toBe('no access');
    expect(rolesText(channel('A', { publisher: true, subscriber: true }))).toBe('publisher, subscriber');
    expect(canPublish(channel('A', { owner: true, following: true }))).toBe(true);
    expect(canPublish(channel('A', { publisher: true, following: false }))).toBe(false);
    expect(canPublish(channel('A', { subscriber: true, following: true }))).toBe(false);
  });

  it('followed channels first, then by name; merge replaces by id or appends', () => {
    const list = [channel('Zeta'), channel('Alpha'), channel('News', { following: true })];
    expect(sortChannels(list).map((c) => c.name)).toEqual(['News', 'Alpha', 'Zeta']);
    const merged = mergeChannel(list, { ...channel('Alpha'), following: true });
    expect(merged.map((c) => [c.name, c.following])).toEqual([
      ['Zeta', false],
      ['Alpha', true],
      ['News', true],
    ]);
    expect(mergeChannel(list, channel('New')).map((c) => c.name)).toEqual(['Zeta', 'Alpha', 'News', 'New']);
  });
});

describe('new channel form', () => {
  it('names and key manager URLs are checked as main checks them', () => {
    expect(checkNewChannel('  News ', '')).toEqual({ ok: true, value: { name: 'News' } });
    expect(checkNewChannel('News', ' https://km.example.com/base ')).toEqual({
      ok: true,
      value: { name: 'News', keyManagerUrl: 'https://km.example.com/base' },
    });
    expect(checkNewChannel('   ', '')).toMatchObject({ ok: false, field: 'name' });
    expect(checkNewChannel('x'.repeat(101), '')).toMatchObject({ ok: false, field: 'name' });
    for (const bad of [
      'ftp://km.example.com',
      'https://km.example.com/',
      'https://u:p@km.example.com',
      'https://km.example.com?a=1',
      'km.example.com',
      'https://km.example.com#x',
    ]) {
      expect(checkNewChannel('News', bad), bad).toMatchObject({ ok: false, field: 'keyManagerUrl' });
    }
  });

  it('a key manager over plain http is refused with a sentence unless it is on this machine', () => {
    for (const ok of ['http://127.0.0.1:8788', 'http://127.9.9.9/km', 'http://[::1]:8788', 'http://localhost:8788/km', 'https://10.0.0.5/km']) {
      expect(checkNewChannel('News', ok), ok).toMatchObject({ ok: true });
    }
    for (const bad of [
      'http://km.example.com',
      'http://10.0.0.5:8788',
      'http://169.254.169.254',
      'http://127.0.0.1.evil.example',
      'http://localhost.evil.example',
    ]) {
      const checked = checkNewChannel('News', bad);
      expect(checked, bad).toMatchObject({ ok: false, field: 'keyManagerUrl' });
      expect(!checked.ok && checked.message, bad).toMatch(/^The key manager .* is not reached over https, .*Use an https:\/\/ address\.$/);
    }
  });

  it('what the form accepts, main accepts, and the other way round', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 120 }), fc.oneof(fc.constant(''), fc.webUrl(), fc.string({ maxLength: 60 })), (name, url) => {
        const checked = checkNewChannel(name, url);
        const args = url.trim() === '' ? { name } : { name, keyManagerUrl: url };
        const mainRefusesUrl = url.trim() !== '' && keyManagerUrlProblem(url) !== null;
        expect(checked.ok).toBe(createChannelArgsSchema.safeParse(args).success && !mainRefusesUrl);
        if (checked.ok) expect(createChannelArgsSchema.parse(checked.value)).toEqual(checked.value);
      }),
    );
  });
});
