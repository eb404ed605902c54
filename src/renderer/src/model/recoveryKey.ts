/**
 * How a recovery key is shown to people (docs/desktop.md "Recovery key"): its 14 groups of four characters
 * in rows of four groups, and the text file offered to save it. Pure functions.
 */

/** The key's groups (`XXXX-XXXX-…` or spaced), in rows of `perRow`. */
export function recoveryKeyRows(key: string, perRow = 4): string[][] {
  const groups = key.split(/[\s-]+/).filter((g) => g !== '');
  const rows: string[][] = [];
  for (let i = 0; i < groups.length; i += perRow) rows.push(groups.slice(i, i + perRow));
  return rows;
}

/** The file offered by "Save as a file": what the key is, for which account, and the key. */
export function recoveryKeyFile(key: string, username: string): { name: string; text: string } {
  const safe = username.replace(/[^a-z0-9._-]/gi, '_').slice(0, 32) || 'account';
  return {
    name: `seed-recovery-key-${safe}.txt`,
    text: [
      `Seed Messenger recovery key for @${username}`,
      '',
      recoveryKeyRows(key)
        .map((row) => row.join(' '))
        .join('\n'),
      '',
      'With this key and your password you can get your account and its messages back on a new device',
      'if you lose every device you use it on. Keep it away from your computer; anyone who has it and',
      'your password can read your messages. A newer recovery key replaces this one.',
      '',
    ].join('\n'),
  };
}
