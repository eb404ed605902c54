/**
 * A broadcast as delivered (docs/broadcast.md §8, "lazy decryption"): delivery (live or from history)
 * only records the raw envelope and its timetoken; `open()` verifies and decrypts on demand, once, so a
 * busy channel costs nothing until a message is read. A protocol failure (bad signature, no key for the
 * version) is remembered; a key manager failure is not, so a later `open()` tries again.
 */
import { KeyManagerError } from '../../common/broadcast/errors';
import type { BroadcastHeader } from '../../common/protocol/broadcast';
import type { MessagePlaintext } from '../../common/protocol/plaintext';

export interface OpenedBroadcast {
  readonly header: BroadcastHeader;
  readonly message: MessagePlaintext;
}

export class BroadcastItem {
  private opened: Promise<OpenedBroadcast> | null = null;

  constructor(
    readonly timetoken: string,
    readonly envelope: unknown,
    private readonly opener: (envelope: unknown) => Promise<OpenedBroadcast>,
  ) {}

  /** The key version the envelope claims (unverified), when it has one. */
  get keyVersion(): number | undefined {
    const v = (this.envelope as { keyVersion?: unknown } | null)?.keyVersion;
    return typeof v === 'number' ? v : undefined;
  }

  /** Verifies and decrypts (once; later calls return the same result or error). */
  open(): Promise<OpenedBroadcast> {
    this.opened ??= this.opener(this.envelope).catch((err: unknown) => {
      if (err instanceof KeyManagerError) this.opened = null;
      throw err;
    });
    return this.opened;
  }
}
