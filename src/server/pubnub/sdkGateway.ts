/**
 * The PubNub gateway on the real `pubnub` SDK (only the key service holds the secret key:
 * docs/deployment.md §6): one SDK instance configured with the secret key signs grant, revoke and publish
 * requests. Works against PubNub's service or the local relay (`origin: '127.0.0.1:<port>', ssl: false`).
 *
 * No call waits on the SDK's own retries (its default policy retries Access Manager calls 2 + 4 + … + 64 s):
 * the SDK retries nothing and gives each request `REQUEST_TIMEOUT_S`. A grant, which a request waits on, gets
 * a short bounded retry (boundedRetry.ts, `GRANT_RETRY`, ≤ 3 s) and then `PubnubUnavailable`; revocations
 * and notices fail at once and the outbox retries them (outbox.ts).
 */
import { randomBytes } from 'node:crypto';
import PubNub from 'pubnub';
import { inboxPubnubChannel } from '../../common/pubnubChannels';
import { type ControlNoticeBody } from '../../common/controlNotices';
import { GRANT_RETRY, withBoundedRetry, type BoundedRetryPolicy } from './boundedRetry';
import { PubnubUnavailable, type ChannelGrant, type GrantedToken, type PubnubGateway } from './gateway';

export interface PubnubConfig {
  readonly origin: string;
  readonly ssl?: boolean;
  readonly publishKey: string;
  readonly subscribeKey: string;
  readonly secretKey: string;
  /** Token lifetime in minutes (PubNub allows 1 … 43,200). */
  readonly tokenTtlMinutes?: number;
}

/** One SDK request's limit, in seconds (the SDK's default is 15 s). */
export const REQUEST_TIMEOUT_S = 5;

/** The SDK's configuration: no SDK retries, a bounded request time, reused connections. */
export function sdkOptions(config: PubnubConfig): PubNub.PubNubConfiguration {
  return {
    publishKey: config.publishKey,
    subscribeKey: config.subscribeKey,
    secretKey: config.secretKey,
    userId: 'seed-keyservice',
    origin: config.origin,
    ssl: config.ssl ?? false,
    retryConfiguration: PubNub.NoneRetryPolicy(),
    transactionalRequestTimeout: REQUEST_TIMEOUT_S,
    // Reused connections: a rotation of a 1,000-member group publishes 1,000 inbox notices, and without
    // keep-alive every publish opens and closes its own connection. Idle sockets are dropped before a
    // server's usual 5 s idle timeout would close them under a request.
    keepAlive: true,
    keepAliveSettings: { timeout: 4_000 },
  };
}

export function createSdkGateway(config: PubnubConfig, now: () => number, grantRetry: BoundedRetryPolicy = GRANT_RETRY): PubnubGateway {
  const pubnub = new PubNub(sdkOptions(config));
  const ttl = config.tokenTtlMinutes ?? 60;
  return {
    enabled: true,
    subscribeKey: config.subscribeKey,
    publishKey: config.publishKey,
    async grant(userId: string, channels: ChannelGrant): Promise<GrantedToken> {
      const resources: Record<string, { read: boolean; write?: boolean }> = {};
      for (const ch of channels.read) resources[ch] = { read: true };
      for (const ch of channels.readWrite) resources[ch] = { read: true, write: true };
      const patterns: Record<string, { read: boolean; write?: boolean; delete?: boolean }> = {};
      for (const p of channels.readPatterns ?? []) patterns[p] = { read: true };
      for (const p of channels.ownPatterns ?? []) patterns[p] = { read: true, write: true, delete: true };
      // A fresh nonce in `meta` makes every token distinct: two grants with equal resources in the same
      // second would otherwise be the same token, and revoking one would revoke the other.
      const meta = { nonce: randomBytes(12).toString('base64url') };
      try {
        const token = await withBoundedRetry(
          () =>
            pubnub.grantToken({
              ttl,
              authorized_uuid: userId,
              resources: { channels: resources },
              ...(Object.keys(patterns).length > 0 ? { patterns: { channels: patterns } } : {}),
              meta,
            }),
          grantRetry,
        );
        return { token, ttlMinutes: ttl };
      } catch (err) {
        throw new PubnubUnavailable('PubNub did not grant a token in time', { cause: err });
      }
    },
    async revoke(token: string): Promise<void> {
      await pubnub.revokeToken(token);
    },
    async notify(userId: string, notice: ControlNoticeBody): Promise<void> {
      await pubnub.publish({ channel: inboxPubnubChannel(userId), message: { v: 1, sentAt: now(), ...notice } });
    },
  };
}
