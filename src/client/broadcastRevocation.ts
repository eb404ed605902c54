/**
 * Cutting a reader off a broadcast channel (docs/broadcast.md §2.1 and §4 "Revoke"): revoke the user at
 * the channel's key manager — the key version moves on at once, so nothing sealed from now on opens for
 * them — then withdraw their subscriber and publisher grants so no future claim carries the roles. A
 * grant the user did not hold is not an error. Used by the CLI and the desktop handlers alike.
 */
import { ChannelRoleKindSchema } from '../common/domain';
import type { BroadcastService } from './broadcast/broadcastService';
import { KeyServiceError } from './errors';

/** Answers the channel's new key version. */
export async function cutOffReader(service: BroadcastService, channelId: string, keyManagerUrl: string, userId: string): Promise<number> {
  await service.follow(channelId, keyManagerUrl);
  const keyVersion = await service.revoke(channelId, userId);
  for (const kind of ChannelRoleKindSchema.options) {
    await service.setRole(channelId, userId, kind, false).catch((err: unknown) => {
      if (!(err instanceof KeyServiceError && err.status === 404)) throw err;
    });
  }
  return keyVersion;
}
