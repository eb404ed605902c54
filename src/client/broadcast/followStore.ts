/**
 * Which broadcast channels this device follows, kept across restarts (docs/broadcast.md §9): a small JSON
 * list of `{channelId, keyManagerUrl}` in the profile directory,
 *     <profileDir>/broadcast-follows/<deviceId>.json   (dir 0700, file 0600, temp file + rename)
 * Only ids and URLs — nothing secret. An unreadable or malformed file is treated as empty (and rewritten
 * at the next change), never as a reason to fail the session.
 */
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { ChannelIdSchema } from '../../common/ids';
import { keyManagerUrlSchema } from '../../common/ipc/schemas/broadcast';

const FollowsSchema = z.array(z.strictObject({ channelId: ChannelIdSchema, keyManagerUrl: keyManagerUrlSchema })).max(1000);
export type FollowedChannel = { channelId: string; keyManagerUrl: string };

export interface FollowStore {
  list(): Promise<FollowedChannel[]>;
  add(channel: FollowedChannel): Promise<void>;
  remove(channelId: string): Promise<void>;
}

export function fileFollowStore(profileDir: string, deviceId: string): FollowStore {
  const dir = join(profileDir, 'broadcast-follows');
  const file = join(dir, `${deviceId}.json`);
  let queue: Promise<unknown> = Promise.resolve();

  async function read(): Promise<FollowedChannel[]> {
    try {
      const parsed = FollowsSchema.safeParse(JSON.parse(await readFile(file, 'utf8')));
      return parsed.success ? parsed.data : [];
    } catch {
      return [];
    }
  }

  async function write(list: FollowedChannel[]): Promise<void> {
    await mkdir(dir, { recursive: true, mode: 0o700 });
    const temp = `${file}.${process.pid}.tmp`;
    await writeFile(temp, JSON.stringify(list), { mode: 0o600 });
    await rename(temp, file);
  }

  /** Changes run one after another, so two quick follows never lose each other. */
  function change(edit: (list: FollowedChannel[]) => FollowedChannel[]): Promise<void> {
    const next = queue.then(async () => write(edit(await read())));
    queue = next.catch(() => undefined);
    return next;
  }

  return {
    list: read,
    add: (channel) => change((list) => [...list.filter((c) => c.channelId !== channel.channelId), channel]),
    remove: (channelId) => change((list) => list.filter((c) => c.channelId !== channelId)),
  };
}
