/**
 * Reading secrets and confirmations for the CLI: the password from $SEED_PASSWORD, the first line of
 * stdin (`--password-stdin`), or a prompt on the terminal that does not echo; a yes/no question.
 */
import { createInterface } from 'node:readline';
import { UsageError } from './errors';

async function firstLine(): Promise<string> {
  const rl = createInterface({ input: process.stdin, terminal: false });
  for await (const line of rl) {
    rl.close();
    return line;
  }
  return '';
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

export async function askYesNo(question: string): Promise<boolean> {
  if (!process.stdin.isTTY) return false;
  process.stderr.write(`${question} [y/N] `);
  const answer = await firstLine();
  return /^y(es)?$/i.test(answer.trim());
}
