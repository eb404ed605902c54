/**
 * The headless CLI (docs/client.md, "CLI"): `npm run cli -- --profile <name> <command>`. It drives the same
 * client core as the desktop app. Results go to stdout (JSON with --json); any failure prints one line
 * `error <code>: <reason>` to stderr and exits non-zero (2 for usage errors).
 */
import { AppError } from '../common/errors';
import type { Client } from '../client';
import { parseCommandLine, USAGE, type CliArgs } from './args';
import { bcast } from './commands/broadcast';
import { approveDevice, devices, linkDevice, login, password, register, revokeDevice, sessions, whoami } from './commands/account';
import { create, leave, list, members, rotate } from './commands/conversations';
import { fetchFile, sendFile } from './commands/files';
import { follow, read, send } from './commands/messages';
import { push } from './commands/push';
import { recoveryKey, restore } from './commands/recovery';
import { verify } from './commands/verify';
import { UsageError } from './errors';
import { createOutput, type Output } from './output';
import { openProfile } from './profile';

type Command = (client: Client, args: CliArgs, out: Output) => Promise<void>;

const COMMANDS: Record<string, Command> = {
  register,
  login,
  whoami,
  'link-device': linkDevice,
  'approve-device': approveDevice,
  devices,
  'revoke-device': revokeDevice,
  sessions,
  password,
  'recovery-key': recoveryKey,
  restore,
  conversations: list,
  create,
  members,
  rotate,
  leave,
  send,
  read,
  follow,
  'send-file': sendFile,
  'fetch-file': fetchFile,
  verify,
  bcast,
  push,
};

async function run(argv: readonly string[]): Promise<number> {
  let json = argv.includes('--json');
  let client: Client | undefined;
  try {
    const args = parseCommandLine(argv, process.env);
    json = args.json;
    if (args.command === 'help') {
      process.stdout.write(`${USAGE}\n`);
      return 0;
    }
    const command = COMMANDS[args.command];
    if (!command) throw new UsageError(`unknown command ${JSON.stringify(args.command)}; try \`help\``);
    client = await openProfile(args);
    await command(client, args, createOutput(json));
    return 0;
  } catch (err) {
    const code = err instanceof AppError ? err.code : 'internal_error';
    const message = (err instanceof Error ? err.message : String(err)).split('\n')[0] ?? '';
    if (json) process.stderr.write(`${JSON.stringify({ error: { code, message } })}\n`);
    else process.stderr.write(`error ${code}: ${message}\n`);
    return err instanceof UsageError ? 2 : 1;
  } finally {
    await client?.close().catch(() => undefined);
  }
}

void run(process.argv.slice(2)).then((code) => process.exit(code));
