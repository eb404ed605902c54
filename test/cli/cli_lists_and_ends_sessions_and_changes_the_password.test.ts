/**
 * Scenario (docs/client.md "CLI", "Sessions"): someone signs in to Alice's account with her password alone.
 * From the CLI Alice lists her sessions and sees it as a password-only one, ends it by id, signs out
 * everywhere else and changes her password; `login` on her profile then proves the device with the new
 * password, and the old password is refused.
 */
import { describe, expect, it } from 'vitest';
import { PASSWORD, uniqueName } from '../client/harness';
import { json, useCliWorld } from './cliWorld';

const { cli, world } = useCliWorld('seed-cli-sessions-');

interface Listed {
  sessionId: string;
  kind: 'password' | 'device';
  current: boolean;
}

describe('cli sessions and password', { timeout: 120_000 }, () => {
  it('lists sessions, ends the password-only one, signs out everywhere else, changes the password', async () => {
    const alice = uniqueName('alice');
    const a = `sa-${Date.now() % 100000}`;
    json(await cli(a, ['--json', 'register', alice]));
    const intruder = await fetch(`${world().keyService.url}/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: alice, password: PASSWORD }),
    });
    expect(intruder.status).toBe(200);

    const listed = json<Listed[]>(await cli(a, ['--json', 'sessions']));
    expect(listed.filter((s) => s.current).map((s) => s.kind)).toEqual(['device']);
    const stranger = listed.find((s) => s.kind === 'password');
    expect(stranger).toBeDefined();
    const shown = await cli(a, ['sessions']);
    expect(shown.stdout).toContain('password only (no device)');
    expect(json<{ ended: string }>(await cli(a, ['--json', 'sessions', 'end', stranger?.sessionId ?? ''])).ended).toBe(stranger?.sessionId);
    expect(json<{ endedSessions: number }>(await cli(a, ['--json', 'sessions', 'end-others'])).endedSessions).toBeGreaterThanOrEqual(0);

    const changed = await cli(a, ['password'], { env: { SEED_NEW_PASSWORD: 'a brand new password' } });
    expect(changed.stdout, changed.stderr).toMatch(/^password changed/);
    const stale = await cli(a, ['login', alice]);
    expect(stale.code).toBe(1);
    expect(stale.stderr).toMatch(/^error bad_credentials: /);
    const again = await cli(a, ['login', alice], { env: { SEED_PASSWORD: 'a brand new password' } });
    expect(again.stdout, again.stderr).toMatch(/^signed in as /);
    expect(json<Listed[]>(await cli(a, ['--json', 'sessions'])).every((s) => s.kind === 'device')).toBe(true);
  });
});
