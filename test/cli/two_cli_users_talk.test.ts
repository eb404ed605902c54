/**
 * Scenario: two people use the CLI on separate profiles, as a new user would — register, find each other,
 * create a conversation, send and read, rotate, link a second device for Alice (link-device on one
 * profile, approve-device with the confirmation code on another) and read history there, verify, and
 * errors: a one-line reason with a non-zero exit. Keys go to the real OS keychain (gnome-keyring under
 * scripts/with-services.sh); the relay enforces tokens.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createKeytarStore } from '../../src/client/keychain/keychain';
import { uniqueName } from '../client/harness';
import { json, useCliWorld } from './cliWorld';

const { cli, home } = useCliWorld('seed-cli-home-');

// Each step spawns a CLI process (tsx start-up is seconds on a loaded 2-core machine).
describe('two cli users talk', { timeout: 120_000 }, () => {
  it('register, find each other, create, send, read, rotate', async () => {
    const alice = uniqueName('alice');
    const bob = uniqueName('bob');
    const a = `ca-${Date.now() % 100000}`;
    const b = `cb-${Date.now() % 100000}`;

    expect((await cli(a, ['register', alice])).stdout).toMatch(/^registered /);
    json(await cli(b, ['--json', 'register', bob]));
    const created = json<{ conversationId: string; currentVersion: number }>(await cli(a, ['--json', 'create', bob]));
    expect(created.currentVersion).toBe(1);
    const sent = await cli(a, ['send', created.conversationId, 'hello', 'bob']);
    expect(sent.stdout, `exit ${sent.code}: ${sent.stderr}`).toMatch(/^sent \(\d{17}\)/);
    const read = await cli(b, ['read', created.conversationId]);
    expect(read.stdout).toContain(`${alice}: hello bob`);
    expect((await cli(b, ['send', created.conversationId, 'hi alice'])).code).toBe(0);
    expect(json<{ version: number }>(await cli(a, ['--json', 'rotate', created.conversationId])).version).toBe(2);
    expect((await cli(b, ['send', created.conversationId, 'after rotation'])).code).toBe(0);

    const shown = await cli(a, ['read', created.conversationId]);
    expect(shown.stdout.trim().split('\n')).toEqual([
      expect.stringMatching(new RegExp(`${alice}: hello bob$`)),
      expect.stringMatching(new RegExp(`${bob}: hi alice$`)),
      '-- key rotated v1 -> v2 --',
      expect.stringMatching(new RegExp(`${bob}: after rotation$`)),
    ]);
    const listed = await cli(b, ['conversations']);
    expect(listed.stdout).toContain(`direct with ${alice}`);
    expect(listed.stdout).toContain('key v2');
  });

  it('links a second device after comparing the confirmation code, which then reads history', async () => {
    const alice = uniqueName('alice');
    const bob = uniqueName('bob');
    const stamp = Date.now() % 100000;
    const [a, b, a2] = [`la-${stamp}`, `lb-${stamp}`, `la2-${stamp}`];
    json(await cli(a, ['--json', 'register', alice]));
    json(await cli(b, ['--json', 'register', bob]));
    const dm = json<{ conversationId: string }>(await cli(b, ['--json', 'create', alice]));
    expect((await cli(b, ['send', dm.conversationId, 'history for the laptop'])).code).toBe(0);

    let confirmation: string | undefined;
    let code: string | undefined;
    const linking = cli(a2, ['--json', 'link-device', alice], {
      onStdout: (out) => {
        for (const l of out.split('\n').filter((x) => x.startsWith('{'))) {
          const e = JSON.parse(l) as { event: string; code?: string; confirmationCode?: string };
          if (e.event === 'offer') code = e.code;
          if (e.event === 'confirm') confirmation = e.confirmationCode;
        }
      },
    });
    await expect.poll(() => code, { timeout: 30_000 }).toBeDefined();
    const claimOnly = cli(a, ['--json', 'approve-device', code!, '--confirm', 'pending']);
    await expect.poll(() => confirmation, { timeout: 30_000 }).toBeDefined();
    expect((await claimOnly).stderr).toMatch(/"code":"declined"/);
    const approved = json<{ deviceId: string; wrapsAdded: number }>(await cli(a, ['--json', 'approve-device', code!, '--confirm', confirmation!]));
    expect(approved.wrapsAdded).toBe(1);
    const linked = await linking;
    expect(linked.code, linked.stderr).toBe(0);
    expect((await cli(a2, ['read', dm.conversationId])).stdout).toContain(`${bob}: history for the laptop`);
    const devices = json<{ deviceId: string; current: boolean }[]>(await cli(a2, ['--json', 'devices']));
    expect(devices).toHaveLength(2);

    const trust = json<{ safetyNumber: string; qrPayload: string; state: string }>(await cli(b, ['--json', 'verify', alice]));
    expect(json<{ state: string }>(await cli(a, ['--json', 'verify', bob, '--scan', trust.qrPayload])).state).toBe('verified');
    expect(readdirSync(join(home(), a))).toEqual(['state.json']);
    expect(await createKeytarStore(`seed-messenger.cli-${a}`).get('device-keys')).toMatch(/"ed25519"/);
    expect(await createKeytarStore(`seed-messenger.${a}`).get('device-keys')).toBeNull();
    expect(readFileSync(join(home(), a, 'state.json'), 'utf8')).not.toMatch(/privateKey|refresh/i);
  });

  it('follow picks up a conversation created after it started and prints messages as JSON lines', async () => {
    const alice = uniqueName('alice');
    const bob = uniqueName('bob');
    const stamp = Date.now() % 100000;
    const [a, b] = [`fa-${stamp}`, `fb-${stamp}`];
    json(await cli(a, ['--json', 'register', alice]));
    json(await cli(b, ['--json', 'register', bob]));
    let stop: (() => void) | undefined;
    let seen = '';
    let notes = '';
    const following = cli(b, ['--json', 'follow'], { started: (s) => (stop = s), onStdout: (out) => (seen = out), onStderr: (err) => (notes = err) });
    await expect.poll(() => notes, { timeout: 20_000 }).toContain('following 0 conversation(s)');
    const dm = json<{ conversationId: string }>(await cli(a, ['--json', 'create', bob]));
    expect((await cli(a, ['send', dm.conversationId, 'live one'])).code).toBe(0);
    await expect.poll(() => seen, { timeout: 20_000 }).toContain('live one');
    stop?.();
    const done = await following;
    expect(done.code).toBe(0);
    const lines = done.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { conversationId: string; kind: string; from: string; body: string });
    expect(lines).toEqual([expect.objectContaining({ conversationId: dm.conversationId, kind: 'message', from: alice, body: 'live one' })]);
  });

  it('errors: one line, non-zero exit', async () => {
    const unknown = await cli('cx-none', ['frobnicate']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/^error usage_error: unknown command "frobnicate"/);
    const signedOut = await cli('cx-none', ['conversations']);
    expect(signedOut.code).toBe(1);
    expect(signedOut.stderr).toBe('error not_signed_in: this profile is not signed in; run register, login or link-device first\n');
    const taken = uniqueName('taken');
    json(await cli('cx-one', ['--json', 'register', taken]));
    const again = await cli('cx-two', ['register', taken]);
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/^error username_taken: /);
    const noServer = await cli('cx-one', ['--server', 'http://127.0.0.1:9', 'conversations']);
    expect(noServer.code).toBe(1);
    expect(noServer.stderr).toMatch(/^error key_service_unreachable: /);
  });
});
