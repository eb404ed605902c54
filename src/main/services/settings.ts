/**
 * The user's settings. `theme` and `readReceipts` (default on) are personal choices kept in the profile's `settings.json`;
 * `notifications` is the `notificationContent` policy key, written to the user's app config
 * (`config.json`, the lowest policy layer) only through `checkUserSettingChange`, so a setting IT
 * manages is refused here in main with a typed error, whatever the renderer shows. Files are written
 * atomically (temp file + rename) with owner-only permissions.
 */
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { z } from 'zod';
import { AppError } from '../../common/errors';
import type { Settings } from '../../common/ipc/schemas/verification';
import { checkUserSettingChange } from '../../common/policy/enforce';
import type { ProfilePaths } from '../profile';
import type { PolicyHolder } from './policyHolder';

const themeFileSchema = z.object({ theme: z.enum(['system', 'light', 'dark']), readReceipts: z.boolean() }).partial();

export class SettingsFileError extends AppError {
  constructor(path: string, reason: string) {
    super('settings_file_invalid', `cannot use ${path}: ${reason}`, 'validation');
  }
}

async function readJsonObject(path: string): Promise<Record<string, unknown>> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    if ((e as { code?: string }).code === 'ENOENT') return {};
    throw new SettingsFileError(path, (e as { code?: string }).code ?? 'unreadable');
  }
  try {
    const value: unknown = JSON.parse(text);
    if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new Error('not an object');
    return value as Record<string, unknown>;
  } catch {
    throw new SettingsFileError(path, 'not a JSON object');
  }
}

async function writeJsonAtomic(path: string, value: unknown): Promise<void> {
  await mkdir(dirname(path), { recursive: true, mode: 0o700 });
  const temp = `${path}.${process.pid}.tmp`;
  await writeFile(temp, `${JSON.stringify(value, null, 2)}\n`, { mode: 0o600 });
  await rename(temp, path);
}

export function createSettingsService(paths: Pick<ProfilePaths, 'dir' | 'appConfig'>, policy: PolicyHolder) {
  const settingsFile = `${paths.dir}/settings.json`;

  async function get(): Promise<Settings> {
    const stored = await readJsonObject(settingsFile).catch(() => ({}));
    const parsed = themeFileSchema.safeParse(stored);
    return {
      theme: parsed.success ? (parsed.data.theme ?? 'system') : 'system',
      notifications: policy.current().values.notificationContent,
      readReceipts: parsed.success ? (parsed.data.readReceipts ?? true) : true,
    };
  }

  async function set(change: Partial<Settings>): Promise<Settings> {
    const notifications =
      change.notifications === undefined ? undefined : checkUserSettingChange(policy.current(), 'notificationContent', change.notifications);
    if (change.theme !== undefined || change.readReceipts !== undefined) {
      const personal = {
        ...(change.theme !== undefined ? { theme: change.theme } : {}),
        ...(change.readReceipts !== undefined ? { readReceipts: change.readReceipts } : {}),
      };
      await writeJsonAtomic(settingsFile, { ...(await readJsonObject(settingsFile)), ...personal });
    }
    if (notifications !== undefined) {
      await writeJsonAtomic(paths.appConfig, { ...(await readJsonObject(paths.appConfig)), notificationContent: notifications });
      await policy.reload();
    }
    return get();
  }

  return { get, set };
}
