/**
 * Recovery-key commands (docs/client.md "CLI", docs/protocol.md §18): `recovery-key create|rotate` prints the
 * new key once (write it down; it is kept nowhere), `recovery-key verify` checks a key against the account's
 * backup, and `restore USERNAME` signs a NEW profile in with the password and the recovery key after every
 * device of the account is lost. The key comes from $SEED_RECOVERY_KEY or a prompt that does not echo.
 */
import type { Client } from '../../client';
import type { CliArgs } from '../args';
import { UsageError } from '../errors';
import type { Output } from '../output';
import { readPassword, readSecret } from '../prompt';

async function readRecoveryKey(): Promise<string> {
  return readSecret('SEED_RECOVERY_KEY', 'recovery key: ', 'no recovery key: set SEED_RECOVERY_KEY or run in a terminal');
}

/** `recovery-key create | rotate | verify`. */
export async function recoveryKey(client: Client, args: CliArgs, out: Output): Promise<void> {
  const sub = args.rest[0];
  if (sub === 'create' || sub === 'rotate') {
    const made = sub === 'create' ? await client.createRecoveryKey() : await client.rotateRecoveryKey();
    out.result(made, [
      `recovery key (backup version ${made.backupVersion}) — write it down and keep it safe; it is shown only now:`,
      '',
      `    ${made.recoveryKey}`,
      '',
      made.backupVersion > 1 ? 'the previous recovery key no longer works.' : 'with it and your password you can restore this account on a new device.',
    ]);
    return;
  }
  if (sub === 'verify') {
    const checked = await client.verifyRecoveryKey(await readRecoveryKey());
    out.result(checked, `this recovery key is correct (backup version ${checked.backupVersion})`);
    return;
  }
  throw new UsageError(`unknown recovery-key subcommand ${JSON.stringify(sub ?? '')}; use: recovery-key create, recovery-key rotate, recovery-key verify`);
}

/** `restore USERNAME`: a new profile takes over an account whose devices are all lost. */
export async function restore(client: Client, args: CliArgs, out: Output): Promise<void> {
  const username = args.rest[0];
  if (username === undefined || username === '') throw new UsageError('missing USERNAME');
  const password = await readPassword(args.flags.passwordStdin);
  const done = await client.restoreWithRecoveryKey({ username, password, recoveryKey: await readRecoveryKey() });
  out.result(
    { ...done.session, restored: done.restored, refused: done.refused },
    `restored ${done.session.username} on device ${done.session.deviceId}; ${done.restored} key version(s) restored${done.refused > 0 ? `, ${done.refused} backup entr${done.refused === 1 ? 'y' : 'ies'} refused` : ''}`,
  );
}
