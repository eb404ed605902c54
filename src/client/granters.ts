/**
 * How the key ring learns about the devices that granted it a wrap (docs/protocol.md §6.5): each granter
 * must be a device certified under its user's pinned account key, and that user a member of the
 * conversation — a current member, or (for a granter the record itself lists) a member at that version.
 * A granter the directory does not know is `signer_not_certified`.
 */
import type { ConversationId, DeviceId } from '../common/ids';
import { isProtocolError, SignerNotCertifiedError } from '../common/protocol/errors';
import type { GranterInfo, ResolveGranter } from '../common/protocol/wrapGrantChain';
import type { Directory } from './directory';
import { KeyServiceError } from './errors';
import type { KeyServiceApi } from './keyServiceApi';

/** A resolver for one fetched version; the conversation's members are read once, when first needed. */
export function granterResolver(api: KeyServiceApi, directory: Directory, conversationId: ConversationId, record: unknown): ResolveGranter {
  const listed = (record as { memberDevices?: unknown } | null)?.memberDevices;
  const recordDevices = new Set<string>(Array.isArray(listed) ? listed.filter((d): d is string => typeof d === 'string') : []);
  let members: Promise<Set<string>> | undefined;
  const currentMembers = () =>
    (members ??= api.request('getConversation', { params: { conversationId } }).then((c) => new Set<string>(c.members.map((m) => m.userId))));
  return async (deviceId: DeviceId): Promise<GranterInfo> => {
    const device = await directory.device(deviceId).catch((err: unknown) => {
      if (isProtocolError(err) || (err instanceof KeyServiceError && err.status === 404)) {
        throw new SignerNotCertifiedError(`granting device ${deviceId} is not certified: ${err.message}`);
      }
      throw err;
    });
    return {
      certificate: device.certificate,
      accountKey: device.accountKey,
      isMember: recordDevices.has(deviceId) || (await currentMembers()).has(device.userId),
    };
  };
}
