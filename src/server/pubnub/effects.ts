/**
 * Side effects of a write on PubNub (docs/api.md, "PubNub"): control notices to inboxes and revocations of
 * Access Manager tokens. A handler collects them while its transaction runs and records them in the
 * durable outbox in that same transaction (`svc.outbox.record(tx, effects)`), so a rollback leaves nothing
 * and a commit always leaves the work recorded; after the commit `svc.outbox.afterCommit(effects)` tries
 * the revocations at once (bounded) and wakes the worker for the notices (outbox.ts). PubNub failures are
 * retried by the outbox, never turned into a failed request — the database is the source of truth and
 * clients re-fetch.
 */
import type { ControlNoticeBody } from '../../common/controlNotices';

/** A granted token to revoke: its pubnub_tokens id and expiry (nothing to revoke after it). */
export interface RevocableToken {
  readonly id: string;
  readonly expires_at: number;
}

export class Effects {
  readonly notices: { userId: string; notice: ControlNoticeBody }[] = [];
  readonly revocations: RevocableToken[] = [];
  /** Set by `PubnubOutbox.record`: the outbox ids of the revocations (null until recorded). */
  recorded: { readonly revokeIds: readonly number[] } | null = null;

  notify(userIds: Iterable<string>, notice: ControlNoticeBody): void {
    for (const userId of userIds) this.notices.push({ userId, notice });
  }

  revoke(tokens: Iterable<RevocableToken>): void {
    this.revocations.push(...tokens);
  }

  get empty(): boolean {
    return this.notices.length === 0 && this.revocations.length === 0;
  }
}
