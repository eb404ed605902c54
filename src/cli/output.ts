/**
 * CLI output: human-readable lines, or with `--json` one JSON document per result (JSON lines for
 * `follow`). Errors go to stderr as one line `error <code>: <reason>`.
 */
export interface Output {
  /** A result: `text` lines for people, `data` for --json. */
  result(data: unknown, text: string | readonly string[]): void;
  /** Progress or instructions for people (stderr under --json, so stdout stays parseable). */
  note(text: string): void;
}

export function createOutput(json: boolean): Output {
  return {
    result(data, text) {
      if (json) process.stdout.write(`${JSON.stringify(data)}\n`);
      else process.stdout.write(`${typeof text === 'string' ? text : text.join('\n')}\n`);
    },
    note(text) {
      (json ? process.stderr : process.stdout).write(`${text}\n`);
    },
  };
}

export function formatTime(ms: number): string {
  return new Date(ms).toISOString().replace('T', ' ').slice(0, 19);
}
