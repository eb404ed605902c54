/**
 * The update feed baked into a release (the "vendor" update mode, docs/deployment.md §3): electron-builder
 * writes `resources/app-update.yml` when the build had SEED_UPDATE_FEED_URL (electron-builder.config.cjs,
 * `publish`). Only a generic-provider https feed is accepted; the file is flat `key: value` YAML, read here
 * without a YAML library. A missing file means the build has no feed.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { PolicyWarning } from '../../common/policy/errors';
import { httpsUrlSchema } from '../../common/policy/values';

export interface BuildFeed {
  feedUrl: string | null;
  warning: PolicyWarning | null;
}

function unquote(value: string): string {
  const v = value.trim();
  return /^(['"]).*\1$/.test(v) ? v.slice(1, -1) : v;
}

export async function readBuildFeed(resourcesPath: string): Promise<BuildFeed> {
  const path = join(resourcesPath, 'app-update.yml');
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch {
    return { feedUrl: null, warning: null };
  }
  const fields = new Map<string, string>();
  for (const line of text.split(/\r?\n/)) {
    const m = /^([A-Za-z][A-Za-z0-9]*):\s*(.*)$/.exec(line);
    if (m?.[1] !== undefined) fields.set(m[1], unquote(m[2] ?? ''));
  }
  const url = fields.get('url') ?? '';
  if (fields.get('provider') !== 'generic' || !httpsUrlSchema.safeParse(url).success) {
    return {
      feedUrl: null,
      warning: { code: 'update_build_feed_invalid', message: `${path} does not name a generic https:// feed; the build feed is not used` },
    };
  }
  return { feedUrl: url, warning: null };
}
