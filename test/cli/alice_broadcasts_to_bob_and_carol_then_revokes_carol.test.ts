/**
 * Scenario (docs/broadcast.md §8.1, docs/client.md "Broadcast"): three people on the CLI, each its own
 * profile and process, over the real key service (claims, directory, the default key manager at /km) and
 * a relay that enforces Access Manager tokens. Alice creates a channel, grants Bob and Carol subscriber
 * and publishes; both read it. Carol follows live (the key manager URL is shown). Alice revokes Carol
 * and publishes again: Bob reads both messages; Carol's live copy of the new one is not readable
 * (`subscriber_revoked`) and a fresh read by Carol fails with a one-line typed error.
 */
import { describe, expect, it } from 'vitest';
import { uniqueName } from '../client/harness';
import { json, useCliWorld } from './cliWorld';

const { cli, world } = useCliWorld('seed-cli-bcast-');

interface MessageView {
  state: string;
  text?: string;
  keyVersion: number | null;
  errorCode?: string;
}

// Each step spawns a CLI process (tsx start-up is seconds on a loaded 2-core machine).
describe('alice broadcasts to bob and carol, then revokes carol', { timeout: 240_000 }, () => {
  it('create, grant, publish, read, follow, revoke, publish, read', async () => {
    const [alice, bob, carol] = [uniqueName('alice'), uniqueName('bob'), uniqueName('carol')];
    const stamp = Date.now() % 100000;
    const [a, b, c] = [`ba-${stamp}`, `bb-${stamp}`, `bc-${stamp}`];
    for (const [profile, name] of [
      [a, alice],
      [b, bob],
      [c, carol],
    ] as const)
      json(await cli(profile, ['--json', 'register', name]));

    const km = `${world().keyService.url}/km`;
    const created = await cli(a, ['bcast', 'create', 'Company', 'news']);
    expect(created.code, created.stderr).toBe(0);
    const channelId = /^created channel (\S+) "Company news"; its keys are held by the key manager (\S+)$/.exec(created.stdout.trim());
    expect(channelId?.[2]).toBe(km);
    const id = channelId?.[1] ?? '';

    expect((await cli(a, ['bcast', 'grant', id, bob, 'subscriber'])).stdout.trim()).toBe(`granted ${bob} subscriber on "Company news"`);
    expect(json<{ channelId: string; role: string }>(await cli(a, ['--json', 'bcast', 'grant', 'Company news', carol, 'subscriber']))).toMatchObject({
      channelId: id,
      role: 'subscriber',
    });
    expect((await cli(a, ['bcast', 'publish', id, 'all', 'hands', 'at', 'ten'])).stdout).toMatch(/^published \(\d{17}\)\n$/);

    const listed = json<{ channelId: string; name: string; keyManagerUrl: string; subscriber: boolean; owner: boolean }[]>(
      await cli(b, ['--json', 'bcast', 'list']),
    );
    expect(listed).toEqual([expect.objectContaining({ channelId: id, name: 'Company news', keyManagerUrl: km, subscriber: true, owner: false })]);
    expect((await cli(b, ['bcast', 'read', id])).stdout).toMatch(/^\[[\d :-]{19}\] all hands at ten\n$/);
    expect(json<MessageView[]>(await cli(c, ['--json', 'bcast', 'read', 'Company news'])).map((m) => [m.state, m.text])).toEqual([
      ['opened', 'all hands at ten'],
    ]);

    let stop: (() => void) | undefined;
    let seen = '';
    let notes = '';
    const following = cli(c, ['--json', 'bcast', 'follow', id], {
      started: (s) => (stop = s),
      onStdout: (out) => (seen = out),
      onStderr: (err) => (notes = err),
    });
    await expect.poll(() => seen, { timeout: 30_000 }).toContain('all hands at ten');
    expect(notes).toContain(`following "Company news" (${id}); its keys are held by the key manager ${km}, which can read this channel`);

    expect(json<{ keyVersion: number }>(await cli(a, ['--json', 'bcast', 'revoke', id, carol])).keyVersion).toBe(2);
    expect((await cli(a, ['bcast', 'publish', id, 'carol', 'has', 'left'])).code).toBe(0);

    const bobReads = json<MessageView[]>(await cli(b, ['--json', 'bcast', 'read', id, '--count', '5']));
    expect(bobReads.map((m) => [m.state, m.text, m.keyVersion])).toEqual([
      ['opened', 'all hands at ten', 1],
      ['opened', 'carol has left', 2],
    ]);

    await expect.poll(() => seen, { timeout: 30_000 }).toContain('subscriber_revoked');
    stop?.();
    const followed = await following;
    expect(followed.code).toBe(0);
    const live = followed.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as MessageView);
    expect(live.map((m) => [m.state, m.text ?? null, m.keyVersion, m.errorCode ?? null])).toEqual([
      ['opened', 'all hands at ten', 1, null],
      ['failed', null, 2, 'subscriber_revoked'],
    ]);
    expect(followed.stdout).not.toContain('carol has left');

    const carolAgain = await cli(c, ['bcast', 'read', id]);
    expect(carolAgain.stdout).not.toContain('carol has left');
    expect(carolAgain.code).toBe(1);
    expect(carolAgain.stderr).toBe('error transport_failed: history failed: access denied by the transport\n');
  });

  it('usage and unknown channels are one-line typed errors', async () => {
    const profile = `bx-${Date.now() % 100000}`;
    json(await cli(profile, ['--json', 'register', uniqueName('dora')]));
    const noSub = await cli(profile, ['bcast', 'frob']);
    expect([noSub.code, noSub.stderr]).toEqual([2, 'error usage_error: bcast create|list|follow|read|publish|grant|revoke ...; try `help`\n']);
    const badRole = await cli(profile, ['bcast', 'grant', 'x', 'y', 'owner']);
    expect([badRole.code, badRole.stderr]).toEqual([2, 'error usage_error: bcast grant CHAN USER subscriber|publisher\n']);
    const unknown = await cli(profile, ['--json', 'bcast', 'read', 'no-such-channel']);
    expect(unknown.code).toBe(1);
    expect(JSON.parse(unknown.stderr) as unknown).toEqual({
      error: { code: 'channel_unknown', message: 'no channel "no-such-channel" in the directory (see `bcast list`)' },
    });
  });
});
