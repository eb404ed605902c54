/**
 * Files upload URLs the relay hands out (docs/relay.md "Files"): `generate-upload-url` opens a slot under a
 * random 32-byte name for one file id on one channel; the URL carries that name and is the only authority the
 * upload needs (the SDK posts the form without `auth`, as it does to PubNub's S3 bucket). A slot is taken —
 * and gone — on its first use, expires after the relay's `fileUrlSeconds`, and at most `pendingUploads` are
 * open at once. Uploads being received are held in memory (each at most `fileBytes` plus its form), so at
 * most `uploadsInFlight` are received at once; one more is `503 uploads_full` before its slot is taken, and
 * the SDK retries it later. Memory only: a restart voids every open slot.
 */
import { randomBytes } from 'node:crypto';
import { FileUrlError, RelayBusyError } from '../errors';

export interface UploadSlot {
  readonly subKey: string;
  readonly channel: string;
  readonly id: string;
  readonly name: string;
  readonly expiresAt: number;
}

export const SLOT_NAME = /^[A-Za-z0-9_-]{43}$/;

export class UploadSlots {
  private readonly slots = new Map<string, UploadSlot>();
  private receiving = 0;

  constructor(
    private readonly lifetimeMs: number,
    private readonly max: number,
    private readonly maxInFlight: number,
  ) {}

  /** Runs `receive` as one of the uploads being received, or refuses with `503 uploads_full`. */
  async receive<T>(receive: () => Promise<T>): Promise<T> {
    if (this.receiving >= this.maxInFlight) {
      throw new RelayBusyError('uploads_full', `The relay is receiving ${this.maxInFlight} uploads; retry later`);
    }
    this.receiving += 1;
    try {
      return await receive();
    } finally {
      this.receiving -= 1;
    }
  }

  /** Opens a slot and answers its name; `503 uploads_full` when `max` are open and none has expired. */
  open(slot: Omit<UploadSlot, 'expiresAt'>, nowMs: number): { name: string; expiresAt: number } {
    if (this.slots.size >= this.max) this.sweep(nowMs);
    if (this.slots.size >= this.max) throw new RelayBusyError('uploads_full', `The relay has ${this.max} uploads waiting; retry later`);
    const name = randomBytes(32).toString('base64url');
    const expiresAt = nowMs + this.lifetimeMs;
    this.slots.set(name, { ...slot, expiresAt });
    return { name, expiresAt };
  }

  /** Takes the slot for good: `403 file_url_invalid` when unknown or used, `file_url_expired` past its time. */
  take(name: string, nowMs: number): UploadSlot {
    const slot = SLOT_NAME.test(name) ? this.slots.get(name) : undefined;
    if (slot === undefined) throw new FileUrlError('file_url_invalid', 'This upload URL is not valid: it was never issued or was already used');
    this.slots.delete(name);
    if (nowMs >= slot.expiresAt) throw new FileUrlError('file_url_expired', 'This upload URL has expired; ask for a new one');
    return slot;
  }

  sweep(nowMs: number): void {
    for (const [name, slot] of this.slots) if (nowMs >= slot.expiresAt) this.slots.delete(name);
  }
}
