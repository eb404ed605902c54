/**
 * A profile's non-secret state (docs/client.md, "Modules"): who is signed in
 * on which device, pinned contact identity keys, each conversation's catch-up cursor and the membership
 * head it verified last. One JSON file,
 * `state.json`, written atomically (temp file + rename). Nothing secret is ever written here — keys and
 * the refresh token live in the vault.
 *
 * Writes: `update` (session, pins) writes the file before it returns. `updateSoon` (cursors, saved on
 * every received message) changes the state in memory and coalesces the file write: one write at most
 * every `FLUSH_DELAY_MS`, any `update` in between writes it along, `flush()` writes it now, and a clean
 * process exit writes whatever is still pending (a synchronous write in the `exit` hook). A crash may
 * lose the last second of cursors; catch-up then re-fetches those messages from history, which the
 * pipeline de-duplicates by timetoken — so a lost cursor costs a re-fetch, never a message.
 */
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { AppError } from '../common/errors';

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
  /** When this profile first met the contact (pinned their key, ms); absent for pins made before it was recorded. */
  pinnedAt: z.number().int().optional(),
  /**
   * Keys of this contact that the user acknowledged as replaced (an account reset, docs/protocol.md §18.9):
   * still trusted for what their devices signed before — membership statements, key versions, messages —
   * never for wrapping new keys.
   */
  retired: z.array(z.string()).optional(),
});
export type Pin = z.infer<typeof PinSchema>;

const StateSchema = z.strictObject({
  v: z.literal(1),
  session: z.strictObject({ userId: z.string(), username: z.string(), deviceId: z.string(), deviceName: z.string() }).nullable(),
  pins: z.record(z.string(), PinSchema),
  cursors: z.record(z.string(), z.string()),
  /**
   * The membership head this device verified last, per conversation (docs/protocol.md §15.4): a later
   * answer must extend it — a shorter chain is a rollback, another statement at it a fork.
   */
  membershipPins: z.record(z.string(), z.strictObject({ seq: z.number().int().min(0), hash: z.string() })).optional(),
  /**
   * The PubNub keyset of the last transport token (public identifiers, not secrets), so the messenger can
   * start offline and show stored history before a token can be fetched (docs/client.md "Local store").
   */
  pubnubKeys: z.strictObject({ publishKey: z.string(), subscribeKey: z.string() }).optional(),
  /** The newest key-backup version this device verified for its user (docs/protocol.md §18.3): an older one served later is a rollback. */
  backupPin: z.strictObject({ userId: z.string(), backupVersion: z.number().int().min(0) }).optional(),
  /** The organisation's escrow recipient this profile pinned (docs/protocol.md §19, src/client/custody.ts). */
  custodyPin: z
    .strictObject({
      fingerprint: z.string().nullable(),
      changedTo: z.string().nullable(),
      mode: z.enum(['zero-trust', 'escrow', 'server-trusted']),
      serverTrusted: z.boolean().optional(),
    })
    .optional(),
  /** This profile's device was restored from the key backup: its restored key versions are loaded at each sign-in. */
  restoredDevice: z.string().optional(),
  /** This account's identity keys before a reset (docs/protocol.md §18.9), as the reset answered them: its old devices' history stays checkable. */
  retiredOwnKeys: z.array(z.string()).optional(),
  /**
   * A reset this profile asked for that waits (docs/protocol.md §18.9): who, and the new device it will be.
   * Its new keys and the asking session's refresh token are in the vault; `session` stays null until it finishes.
   */
  pendingReset: z.strictObject({ userId: z.string(), username: z.string(), deviceId: z.string(), deviceName: z.string() }).optional(),
});
export type ProfileStateData = z.infer<typeof StateSchema>;

const EMPTY: ProfileStateData = { v: 1, session: null, pins: {}, cursors: {} };

/** Longest a coalesced change waits in memory before it is written. */
export const FLUSH_DELAY_MS = 1_000;

/** States with a coalesced change not yet written; written synchronously when the process exits. */
const pending = new Set<ProfileState>();
let exitHookInstalled = false;

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.once('exit', () => {
    for (const state of [...pending]) {
      try {
        state.flush();
      } catch {
        // Nothing can be reported while the process exits; the next start catches up from history.
      }
    }
  });
}

export class ProfileState {
  private data: ProfileStateData;
  private readonly file: string;
  private timer: ReturnType<typeof setTimeout> | undefined;

  constructor(readonly dir: string) {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    this.file = join(dir, 'state.json');
    // A profile closed and opened again within FLUSH_DELAY_MS: its earlier instance writes first, so this
    // one reads the latest state and no late write of the old instance can overwrite this one's changes.
    for (const other of [...pending]) if (other.file === this.file) other.flush();
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

  /** True while a coalesced change is in memory only. */
  get dirty(): boolean {
    return pending.has(this);
  }

  /** Changes the state and writes the file (with any coalesced change) before returning. */
  update(change: (draft: ProfileStateData) => void): void {
    const next = structuredClone(this.data);
    change(next);
    this.write(next);
    this.data = next;
    this.settle();
  }

  /** Changes the state now and writes the file within FLUSH_DELAY_MS (or at `flush`, or at exit). */
  updateSoon(change: (draft: ProfileStateData) => void): void {
    change(this.data);
    if (this.timer !== undefined) return;
    installExitHook();
    pending.add(this);
    this.schedule();
  }

  private schedule(): void {
    this.timer = setTimeout(() => {
      this.timer = undefined;
      try {
        this.flush();
      } catch {
        // A failed write (disk full, directory gone) stays pending and is tried again later.
        this.schedule();
      }
    }, FLUSH_DELAY_MS);
    this.timer.unref?.();
  }

  /** Writes a coalesced change now; nothing to do when there is none. */
  flush(): void {
    if (!this.dirty) return;
    this.write(this.data);
    this.settle();
  }

  private settle(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    pending.delete(this);
  }

  private write(data: ProfileStateData): void {
    const tmp = `${this.file}.${process.pid}.tmp`;
    writeFileSync(tmp, `${JSON.stringify(data, null, 2)}\n`, { mode: 0o600 });
    renameSync(tmp, this.file);
  }
}
