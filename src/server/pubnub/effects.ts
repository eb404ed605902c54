/**
 * Side effects of a committed write (PubNub token revocations and control notices; docs/api.md, "PubNub"):
 * collected inside the transaction, applied after it commits, so a notice never announces something that
 * was rolled back. Token revocations finish before the request answers; notices are handed to the notice
 * outbox (noticeOutbox.ts), which publishes them after the answer, in order per inbox, with retries. PubNub
 * failures are reported, never turned into a failed request — the database is the source of truth and
 * clients re-fetch.
 */
import type { ControlNoticeBody } from '../../common/controlNotices';
import type { PubnubGateway } from './gateway';

export class Effects {
  readonly notices: { userId: string; notice: ControlNoticeBody }[] = [];
  readonly revokedTokens: string[] = [];

  notify(userIds: Iterable<string>, notice: ControlNoticeBody): void {
    for (const userId of userIds) this.notices.push({ userId, notice });
  }

  revoke(tokens: Iterable<string>): void {
    this.revokedTokens.push(...tokens);
  }
}

/** Applies effects; returns the failures (already reported to `onError`). */
export async function applyEffects(gateway: PubnubGateway, effects: Effects, onError: (err: unknown) => void): Promise<void> {
  if (!gateway.enabled) return;
  const jobs = [...effects.revokedTokens.map((t) => gateway.revoke(t)), ...effects.notices.map(({ userId, notice }) => gateway.notify(userId, notice))];
  for (const result of await Promise.allSettled(jobs)) if (result.status === 'rejected') onError(result.reason);
}
