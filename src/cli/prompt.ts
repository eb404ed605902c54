/**
 * Reading secrets and confirmations for the CLI: the password from $SEED_PASSWORD, the first line of
 * stdin (`--password-stdin`), or a prompt on the terminal that does not echo; for a password change the
 * current and the new one ($SEED_PASSWORD and $SEED_NEW_PASSWORD, two lines of stdin, or two prompts);
 * a yes/no question.
 */
import { createInterface } from 'node:readline';
import { UsageError } from './errors';

async function firstLine(): Promise<string> {
  return (await firstLines(1))[0] ?? '';
}

async function firstLines(count: number): Promise<string[]> {
  const rl = createInterface({ input: process.stdin, terminal: false });
  const lines: string[] = [];
  for await (const line of rl) {
    lines.push(line);
    if (lines.length === count) break;
  }
  rl.close();
  return lines;
}

function askHidden(question: string): Promise<string> {
  return new Promise((resolve) => {
    process.stderr.write(question);
    const stdin = process.stdin;
    stdin.setRawMode(true);
    stdin.resume();
    let text = '';
    const onData = (chunk: Buffer) => {
      for (const ch of chunk.toString('utf8')) {
        if (ch === '\r' || ch === '\n') {
          stdin.setRawMode(false);
          stdin.pause();
          stdin.off('data', onData);
          process.stderr.write('\n');
          resolve(text);
          return;
        }
        if (ch === '\u0003') process.exit(130);
        text = ch === '\u007f' ? text.slice(0, -1) : text + ch;
      }
    };
    stdin.on('data', onData);
  });
}

export async function readPassword(fromStdin: boolean): Promise<string> {
  const env = process.env.SEED_PASSWORD;
  if (env !== undefined && env !== '') return env;
  if (fromStdin) return firstLine();
  if (!process.stdin.isTTY) throw new UsageError('no password: set SEED_PASSWORD, pass --password-stdin, or run in a terminal');
  return askHidden('password: ');
}

/** A secret other than the password (a recovery key): from `envName`, else a prompt that does not echo. */
export async function readSecret(envName: string, question: string, missing: string): Promise<string> {
  const env = process.env[envName];
  if (env !== undefined && env !== '') return env;
  if (!process.stdin.isTTY) throw new UsageError(missing);
  return askHidden(question);
}

/** The current and the new password, for `password`. */
export async function readPasswordChange(fromStdin: boolean): Promise<{ current: string; next: string }> {
  const env = { current: process.env.SEED_PASSWORD, next: process.env.SEED_NEW_PASSWORD };
  if (env.current && env.next) return { current: env.current, next: env.next };
  if (fromStdin) {
    const [current = '', next = ''] = await firstLines(2);
    return { current, next };
  }
  if (!process.stdin.isTTY)
    throw new UsageError('no passwords: set SEED_PASSWORD and SEED_NEW_PASSWORD, pass --password-stdin (two lines), or run in a terminal');
  const current = await askHidden('current password: ');
  const next = await askHidden('new password: ');
  if ((await askHidden('new password again: ')) !== next) throw new UsageError('the new passwords differ');
  return { current, next };
}

export async function askYesNo(question: string): Promise<boolean> {
  if (!process.stdin.isTTY) return false;
  process.stderr.write(`${question} [y/N] `);
  const answer = await firstLine();
  return /^y(es)?$/i.test(answer.trim());
}

/**
 * The first non-empty line typed or piped to stdin, for as long as it is wanted: `stop()` lets the process
 * go without it (the loopback listener answered first). End of input leaves `line` pending.
 */
export function readPastedLine(): { line: Promise<string>; stop(): void } {
  const rl = createInterface({ input: process.stdin, terminal: false });
  const line = new Promise<string>((resolve) => {
    rl.on('line', (text) => {
      if (text.trim() === '') return;
      resolve(text);
      rl.close();
    });
  });
  return {
    line,
    stop() {
      rl.close();
      process.stdin.pause();
    },
  };
}
