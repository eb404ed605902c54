/**
 * Scenario (docs/client.md "CLI", docs/protocol.md §18): from the CLI Alice makes her recovery key, checks
 * it, sends a message, rotates the key; her profile is lost. On a new profile `restore` with the old key is
 * refused (`recovery_key_outdated`, exit 1, nothing signed in), a typo is `recovery_key_unreadable`, and the
 * new key restores the account: a later `read` of the new profile shows the old message.
 */
import { describe, expect, it } from 'vitest';
import { uniqueName } from '../client/harness';
import { json, useCliWorld } from '../cli/cliWorld';

const { cli } = useCliWorld('seed-cli-recovery-');

describe('cli recovery key', { timeout: 180_000 }, () => {
  it('creates, verifies and rotates the recovery key; restore refuses the old key and restores with the new one', async () => {
    const alice = uniqueName('alice');
    const bob = uniqueName('bob');
    const stamp = Date.now() % 100000;
    const [a, b, fresh] = [`ra-${stamp}`, `rb-${stamp}`, `rn-${stamp}`];
    json(await cli(a, ['--json', 'register', alice]));
    json(await cli(b, ['--json', 'register', bob]));

    const first = json<{ recoveryKey: string; backupVersion: number }>(await cli(a, ['--json', 'recovery-key', 'create']));
    expect(first.backupVersion).toBe(1);
    const ok = await cli(a, ['recovery-key', 'verify'], { env: { SEED_RECOVERY_KEY: first.recoveryKey } });
    expect(ok.stdout, ok.stderr).toMatch(/^this recovery key is correct/);

    const conv = json<{ conversationId: string }>(await cli(a, ['--json', 'create', bob]));
    json(await cli(a, ['--json', 'send', conv.conversationId, 'written before the laptop was lost']));
    const second = json<{ recoveryKey: string; backupVersion: number }>(await cli(a, ['--json', 'recovery-key', 'rotate']));
    expect(second.backupVersion).toBe(2);
    const old = await cli(a, ['recovery-key', 'verify'], { env: { SEED_RECOVERY_KEY: first.recoveryKey } });
    expect(old.code).toBe(1);
    expect(old.stderr).toMatch(/^error recovery_key_outdated: /);

    // Alice's profile is gone; a new profile restores.
    const typo = await cli(fresh, ['restore', alice], {
      env: {
        SEED_RECOVERY_KEY: `0${second.recoveryKey.slice(1)}` === second.recoveryKey ? `1${second.recoveryKey.slice(1)}` : `0${second.recoveryKey.slice(1)}`,
      },
    });
    expect(typo.code).toBe(1);
    expect(typo.stderr).toMatch(/^error recovery_key_unreadable: /);
    const refused = await cli(fresh, ['restore', alice], { env: { SEED_RECOVERY_KEY: first.recoveryKey } });
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/^error recovery_key_outdated: /);
    const whoami = await cli(fresh, ['whoami']);
    expect(whoami.stderr).toMatch(/^error not_signed_in: /);

    const restored = await cli(fresh, ['restore', alice], { env: { SEED_RECOVERY_KEY: second.recoveryKey } });
    expect(restored.stdout, restored.stderr).toMatch(/^restored .* 1 key version\(s\) restored/);
    // A later run of the restored profile (a new process, no recovery key) reads the old message.
    const read = await cli(fresh, ['read', conv.conversationId]);
    expect(read.stdout, read.stderr).toContain('written before the laptop was lost');
  });
});
