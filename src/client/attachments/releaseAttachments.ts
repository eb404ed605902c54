/**
 * What happens to a file when its message goes (docs/client.md "Files"): the decrypted copies saved on this
 * device are deleted whatever the reason (delete for everyone, delete for me, disappearing); the store's
 * objects only when this device sent the file and the message went for everyone (deleted by its author,
 * or expired) — another member's objects are theirs to delete, and a forward of the file by someone else
 * re-uses the same objects (docs/threat-model.md "Attachments").
 */
import { rm } from 'node:fs/promises';
import type { DeviceId } from '../../common/ids';
import type { ReleasedAttachment } from '../store/attachmentStore';
import { deleteStoredObjects } from './downloadFile';
import type { AttachmentDeps } from './uploadFile';

/** Deletes local copies and (own files, gone for everyone) store objects; answers the failures, never throws. */
export async function releaseAttachments(
  released: readonly ReleasedAttachment[],
  self: DeviceId,
  store: AttachmentDeps['store'] | undefined,
): Promise<{ failures: unknown[] }> {
  const failures: unknown[] = [];
  for (const a of released) {
    for (const copy of a.localCopies) await rm(copy, { force: true }).catch((err: unknown) => failures.push(err));
    if (store !== undefined && a.senderDevice === self && a.reason !== 'hidden')
      await deleteStoredObjects(store, a.descriptor).catch((err: unknown) => failures.push(err));
  }
  return { failures };
}
