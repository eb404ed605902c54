/**
 * Reads a policy file only if nobody but root (or the current user) could have written it
 * (docs/deployment.md, "Linux: policy file"). The folder is resolved once with realpath, every folder from
 * `/` down is checked (owner trusted; not group/other-writable, except a sticky ancestor such as /tmp), and
 * the file is opened with O_NOFOLLOW and checked through its open descriptor, so it cannot be swapped
 * between the check and the read. POSIX only (Linux, macOS). A missing file or folder is `null`.
 */
import { constants } from 'node:fs';
import { lstat, open, realpath } from 'node:fs/promises';
import { basename, dirname, join, parse, sep } from 'node:path';
import { PolicyStoreError, UntrustedPolicyFileError } from './errors';

export const MAX_POLICY_FILE_BYTES = 1024 * 1024;
const GROUP_OR_OTHER_WRITE = 0o022;
const STICKY = 0o1000;

export interface TrustRules {
  /** Owners whose files are trusted: root and the current user (docs/deployment.md, "Linux: policy file"). */
  trustedUids: readonly number[];
}

function errno(e: unknown): string | undefined {
  return typeof e === 'object' && e !== null && 'code' in e ? String((e as { code: unknown }).code) : undefined;
}

function foldersFromRoot(dir: string): string[] {
  const root = parse(dir).root;
  const parts = dir
    .slice(root.length)
    .split(sep)
    .filter((p) => p !== '');
  return [root, ...parts.map((_, i) => root + parts.slice(0, i + 1).join(sep))];
}

async function checkFolders(dir: string, file: string, rules: TrustRules): Promise<void> {
  const chain = foldersFromRoot(dir);
  for (const [i, folder] of chain.entries()) {
    const st = await lstat(folder).catch((e: unknown) => {
      throw new PolicyStoreError(folder, errno(e) ?? 'unknown error');
    });
    if (!st.isDirectory()) throw new UntrustedPolicyFileError('folder_not_directory', file);
    if (!rules.trustedUids.includes(st.uid)) throw new UntrustedPolicyFileError('folder_untrusted_owner', file);
    const isParent = i === chain.length - 1;
    const writable = (st.mode & GROUP_OR_OTHER_WRITE) !== 0;
    if (writable && (isParent || (st.mode & STICKY) === 0)) {
      throw new UntrustedPolicyFileError('folder_writable_by_others', file);
    }
  }
}

export async function readTrustedFile(path: string, rules: TrustRules): Promise<Buffer | null> {
  let dir: string;
  try {
    dir = await realpath(dirname(path));
  } catch (e) {
    if (errno(e) === 'ENOENT' || errno(e) === 'ENOTDIR') return null;
    throw new PolicyStoreError(path, errno(e) ?? 'unknown error');
  }
  await checkFolders(dir, path, rules);
  let handle;
  try {
    handle = await open(join(dir, basename(path)), constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  } catch (e) {
    if (errno(e) === 'ENOENT') return null;
    if (errno(e) === 'ELOOP') throw new UntrustedPolicyFileError('symlink', path);
    throw new PolicyStoreError(path, errno(e) ?? 'unknown error');
  }
  try {
    const st = await handle.stat();
    if (!st.isFile()) throw new UntrustedPolicyFileError('not_regular_file', path);
    if (!rules.trustedUids.includes(st.uid)) throw new UntrustedPolicyFileError('untrusted_owner', path);
    if ((st.mode & GROUP_OR_OTHER_WRITE) !== 0) throw new UntrustedPolicyFileError('writable_by_others', path);
    if (st.size > MAX_POLICY_FILE_BYTES) throw new UntrustedPolicyFileError('too_large', path);
    const buffer = Buffer.alloc(MAX_POLICY_FILE_BYTES + 1);
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, 0);
    if (bytesRead > MAX_POLICY_FILE_BYTES) throw new UntrustedPolicyFileError('too_large', path);
    return buffer.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
}
