/**
 * The PubNub side of a signed-in client (docs/client.md, "Modules"; docs/relay.md): one SDK client per
 * profile pointed at the relay (or PubNub), authorized with an Access Manager token from the key service,
 * and a listener on `inbox.<userId>` for control notices (src/common/controlNotices.ts). The token lists the
 * user's conversation channels at the time it was minted; `ensureAccess` mints a fresh one when a
 * conversation is missing from it, and notices that change access (`access_changed`, `member_added`) do the
 * same. A scheduled renewal that fails because messaging or the key service is unavailable for now
 * (`messaging_unavailable` and the other `unavailable`/`transport` errors) is tried again after
 * `RENEW_RETRY_MS`; a caller that needs a token at once gets the typed error and retries itself.
 */
import PubNub from 'pubnub';
import { conversationPubnubChannel, inboxPubnubChannel } from '../common/pubnubChannels';
import { ControlNoticeSchema, type ControlNotice } from '../common/controlNotices';
import type { ConversationId } from '../common/ids';
import type { PubnubToken } from '../common/api/pubnubSchemas';
import type { KeyServiceApi } from './keyServiceApi';
import { pipelineRetryPolicy } from '../common/messaging/retryPolicy';
import { AppError } from '../common/errors';

export type { PubnubToken } from '../common/api/pubnubSchemas';

/** How long a failed scheduled renewal waits before it tries again. */
export const RENEW_RETRY_MS = 30_000;

/** Whether a failed renewal is worth trying again later (the service or PubNub is down for now). */
export function isTemporary(err: unknown): boolean {
  return err instanceof AppError && (err.category === 'unavailable' || err.category === 'transport');
}

/** Where the SDK connects: `origin` is `<host>:<port>` (or a PubNub origin); `ssl` false for a loopback relay. */
export interface TransportConfig {
  readonly origin: string;
  readonly ssl: boolean;
}

/** Parses `http://127.0.0.1:8090`, `https://ps.pndsn.com` or `127.0.0.1:8090` into SDK settings. */
export function transportConfig(relay: string): TransportConfig {
  const m = /^(https?):\/\/([^/]+)\/?$/.exec(relay.trim());
  if (m) return { origin: m[2] ?? '', ssl: m[1] === 'https' };
  return { origin: relay.trim(), ssl: false };
}

export class Transport {
  readonly pubnub: PubNub;
  private channels = new Set<string>();
  private inbox: PubNub.Subscription | undefined;
  private renewTimer: ReturnType<typeof setTimeout> | undefined;
  private closed = false;

  private constructor(
    private readonly api: KeyServiceApi,
    token: PubnubToken,
    config: TransportConfig,
  ) {
    this.pubnub = new PubNub({
      publishKey: token.publishKey,
      subscribeKey: token.subscribeKey,
      userId: token.userId,
      origin: config.origin,
      ssl: config.ssl,
      retryConfiguration: pipelineRetryPolicy(),
    });
    this.apply(token);
  }

  static async connect(api: KeyServiceApi, config: TransportConfig): Promise<Transport> {
    return new Transport(api, await api.request('getPubnubToken'), config);
  }

  private apply(token: PubnubToken): void {
    this.pubnub.setToken(token.token);
    this.channels = new Set(token.readWrite);
    this.scheduleRenewal(Math.max(60_000, token.ttlMinutes * 30_000));
  }

  private scheduleRenewal(ms: number): void {
    clearTimeout(this.renewTimer);
    if (this.closed) return;
    this.renewTimer = setTimeout(() => {
      this.renew().catch((err: unknown) => {
        if (isTemporary(err)) this.scheduleRenewal(RENEW_RETRY_MS);
      });
    }, ms);
    this.renewTimer.unref?.();
  }

  /** Mints a fresh token (new conversations, changed access, half its lifetime gone). */
  async renew(): Promise<void> {
    this.apply(await this.api.request('getPubnubToken'));
  }

  /** Makes sure the token covers these conversations' channels. */
  async ensureAccess(conversationIds: readonly ConversationId[]): Promise<void> {
    if (conversationIds.some((id) => !this.channels.has(conversationPubnubChannel(id)))) await this.renew();
  }

  /** Listens for control notices on the user's inbox channel. */
  listenInbox(userId: string, onNotice: (notice: ControlNotice) => void): void {
    if (this.inbox) return;
    this.inbox = this.pubnub.channel(inboxPubnubChannel(userId)).subscription();
    this.inbox.addListener({
      message: (event) => {
        const parsed = ControlNoticeSchema.safeParse(event.message);
        if (parsed.success) onNotice(parsed.data);
      },
    });
    this.inbox.subscribe();
  }

  close(): void {
    this.closed = true;
    clearTimeout(this.renewTimer);
    this.inbox?.unsubscribe();
    this.pubnub.destroy(true);
  }
}
