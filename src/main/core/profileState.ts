/**
 * A profile's non-secret state (issue 6, "a profile data dir for non-secret state"): who is signed in
 * on which device, pinned contact identity keys, and each conversation's catch-up cursor. One JSON file,
 * `state.json`, written atomically (temp file + rename). Nothing secret is ever written here — keys and
 * the refresh token live in the vault.
 */
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { AppError } from '../../common/errors';

export class ProfileStateError extends AppError {
  constructor(path: string, detail: string) {
    super('profile_state_unreadable', `cannot read ${path}: ${detail}`);
  }
}

const PinSchema = z.strictObject({
  identityKey: z.string(),
  verified: z.boolean(),
  /** A different key the directory now shows; sending is blocked until acknowledged. */
  changedTo: z.string().nullable(),
});
export type Pin = z.infer<typeof PinSchema>;

const StateSchema = z.strictObject({
  v: z.literal(1),
  session: z
    .strictObject({ userId: z.string(), username: z.string(), deviceId: z.string(), deviceName: z.string() })
    .nullable(),
  pins: z.record(z.string(), PinSchema),
  cursors: z.record(z.string(), z.string()),
});
export type ProfileStateData = z.infer<typeof StateSchema>;

const EMPTY: ProfileStateData = { v: 1, session: null, pins: {}, cursors: {} };

export class ProfileState {
  private data: ProfileStateData;
  private readonly file: string;

  constructor(readonly dir: string) {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    this.file = join(dir, 'state.json');
    this.data = this.read();
  }

  private read(): ProfileStateData {
    let text: string;
    try {
      text = readFileSync(this.file, 'utf8');
    } catch {
      return structuredClone(EMPTY);
    }
    try {
      return StateSchema.parse(JSON.parse(text));
    } catch (err) {
      throw new ProfileStateError(this.file, err instanceof Error ? err.message : String(err));
    }
  }

  get(): Readonly<ProfileStateData> {
    return this.data;
  }

  update(change: (draft: ProfileStateData) => void): void {
    const next = structuredClone(this.data);
    change(next);
    const tmp = `${this.file}.${process.pid}.tmp`;
    writeFileSync(tmp, `${JSON.stringify(next, null, 2)}\n`, { mode: 0o600 });
    renameSync(tmp, this.file);
    this.data = next;
  }
}
