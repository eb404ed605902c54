/**
 * Held subscribe long-polls counted per holder (a token; on a relay without Access Manager, a uuid) and in all
 * (docs/relay.md, "Limits"). A subscribe that would hold past either cap is refused before it touches presence
 * or waits; a slot is given back when its request is answered or the client goes away.
 */
import { LongPollLimitError, RelayBusyError } from '../errors';

export class LongPollSlots {
  private readonly byHolder = new Map<string, number>();
  private total = 0;

  constructor(
    private readonly perHolder: number,
    private readonly overall: number,
  ) {}

  /** Takes a slot for `holder` (undefined: a signed server request, counted only in the total); returns its release. */
  take(holder: string | undefined): () => void {
    const held = holder === undefined ? 0 : (this.byHolder.get(holder) ?? 0);
    if (holder !== undefined && held >= this.perHolder) throw new LongPollLimitError(this.perHolder);
    if (this.total >= this.overall) {
      throw new RelayBusyError('long_polls_full', `The relay holds its most subscribe requests (${this.overall}); retry later`);
    }
    this.total += 1;
    if (holder !== undefined) this.byHolder.set(holder, held + 1);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.total -= 1;
      if (holder === undefined) return;
      const left = (this.byHolder.get(holder) ?? 1) - 1;
      if (left <= 0) this.byHolder.delete(holder);
      else this.byHolder.set(holder, left);
    };
  }

  /** Held long-polls of `holder`, and in all. */
  count(holder?: string): number {
    return holder === undefined ? this.total : (this.byHolder.get(holder) ?? 0);
  }
}
