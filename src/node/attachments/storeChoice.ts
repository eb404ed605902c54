/**
 * Which attachment store a deployment uses (docs/architecture.md "Attachment stores", docs/deployment.md §2
 * `attachmentStore`, docs/client.md "CLI"): the managed policy or the command line names one, this module checks
 * the combination and builds it. `pubnub` is PubNub Files on each conversation's own channel with the client
 * core's token (built by the core: src/client/attachments/conversationStores.ts); `s3` an S3-compatible bucket
 * with credentials from the AWS SDK's default chain (environment, shared profile, instance or task role — never
 * from the policy file); `local` a folder, for the embedded local stack only. A combination that cannot work is
 * `attachment_store_misconfigured` with a sentence naming the setting to fix; the caller keeps the rest of the
 * app running and files stay unavailable with that sentence.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { AttachmentStoreError } from '../../common/attachments/errors';
import type { AttachmentStoreKind, PolicyValues } from '../../common/policy/values';
import { S3AttachmentStore } from './s3Store';
import { LocalAttachmentStore, type AttachmentStore } from './store';

/** The S3 settings of a choice (credentials are never part of it). */
export interface S3Choice {
  readonly bucket: string;
  readonly region: string;
  readonly endpoint?: string;
  readonly prefix?: string;
  readonly forcePathStyle: boolean;
}

/** A checked choice of store. */
export type AttachmentStoreChoice =
  { readonly kind: 'pubnub' } | { readonly kind: 's3'; readonly s3: S3Choice } | { readonly kind: 'local'; readonly directory: string };

/** What the core is given: one store for every conversation, PubNub Files per conversation, or why there is none. */
export type AttachmentStoreSetting =
  | { readonly kind: 'shared'; readonly store: AttachmentStore }
  | { readonly kind: 'pubnub-files' }
  | { readonly kind: 'misconfigured'; readonly error: AttachmentStoreError };

/** The settings a choice is made from, whatever their source (policy values, command-line options). */
export interface AttachmentStoreSettings {
  readonly store: AttachmentStoreKind | null;
  readonly s3Bucket: string | null;
  readonly s3Region: string | null;
  readonly s3Endpoint: string | null;
  readonly s3Prefix: string | null;
  readonly s3PathStyle: boolean;
  /** Where the settings come from, for the sentence (`the managed policy`, `the command line`). */
  readonly source: string;
  /** What the person reading the sentence can do about it. */
  readonly remedy: string;
  /** How the source spells each setting (`attachmentS3Bucket`, `--s3-bucket`), and why `local` has no folder. */
  readonly names: { readonly store: string; readonly bucket: string; readonly region: string; readonly noFolder: string };
}

/** The settings of the managed policy's `attachments` group. */
export function policyStoreSettings(values: PolicyValues): AttachmentStoreSettings {
  return {
    store: values.attachmentStore,
    s3Bucket: values.attachmentS3Bucket,
    s3Region: values.attachmentS3Region,
    s3Endpoint: values.attachmentS3Endpoint,
    s3Prefix: values.attachmentS3Prefix,
    s3PathStyle: values.attachmentS3PathStyle,
    source: 'the managed policy',
    remedy: 'Ask your administrator to correct it; everything else works.',
    names: {
      store: 'attachmentStore',
      bucket: 'attachmentS3Bucket',
      region: 'attachmentS3Region',
      noFolder: "attachmentStore is local, which only the app's own local server can use",
    },
  };
}

function misconfigured(settings: AttachmentStoreSettings, problem: string): AttachmentStoreError {
  return new AttachmentStoreError('attachment_store_misconfigured', `Files cannot be sent or opened: ${problem} in ${settings.source}. ${settings.remedy}`);
}

/**
 * The store the settings name, checked: unset is `local` where a folder is offered (the embedded local stack,
 * a CLI given `--files-dir`) and `pubnub` otherwise. `local` is refused where no folder is offered (a folder on
 * one machine cannot be shared by the members' devices); `s3` needs a bucket and a region; S3 settings without
 * `s3` are refused too, so a forgotten `attachmentStore` does not silently send files elsewhere than meant.
 */
export function chooseAttachmentStore(settings: AttachmentStoreSettings, where: { readonly localFolder?: () => string }): AttachmentStoreChoice {
  const kind = settings.store ?? (where.localFolder !== undefined ? 'local' : 'pubnub');
  const s3Set = settings.s3Bucket !== null || settings.s3Region !== null || settings.s3Endpoint !== null || settings.s3Prefix !== null;
  if (kind !== 's3' && s3Set) throw misconfigured(settings, `S3 settings are given but ${settings.names.store} is not s3`);
  switch (kind) {
    case 'pubnub':
      return { kind };
    case 'local':
      if (where.localFolder === undefined) throw misconfigured(settings, settings.names.noFolder);
      return { kind, directory: where.localFolder() };
    case 's3':
      if (settings.s3Bucket === null) throw misconfigured(settings, `${settings.names.store} is s3 but ${settings.names.bucket} is not set`);
      if (settings.s3Region === null) throw misconfigured(settings, `${settings.names.store} is s3 but ${settings.names.region} is not set`);
      return {
        kind,
        s3: {
          bucket: settings.s3Bucket,
          region: settings.s3Region,
          ...(settings.s3Endpoint !== null ? { endpoint: settings.s3Endpoint } : {}),
          ...(settings.s3Prefix !== null ? { prefix: settings.s3Prefix } : {}),
          forcePathStyle: settings.s3PathStyle,
        },
      };
  }
}

/** The local stack's folder under the Seed home, created owner-only when missing. */
export function localAttachmentFolder(home: string): string {
  const directory = join(home, 'attachments');
  mkdirSync(directory, { recursive: true, mode: 0o700 });
  return directory;
}

/**
 * What the core gets for a choice made from `settings` (`localFolder`: the folder offered, made when chosen); never throws — a refused choice becomes `misconfigured`
 * with its sentence (logged by the caller at start-up, shown when a file is sent or opened).
 */
export function attachmentStoreSetting(
  settings: AttachmentStoreSettings,
  where: { readonly localFolder?: () => string },
): { setting: AttachmentStoreSetting; choice?: AttachmentStoreChoice } {
  let choice: AttachmentStoreChoice;
  try {
    choice = chooseAttachmentStore(settings, where);
  } catch (err) {
    if (err instanceof AttachmentStoreError) return { setting: { kind: 'misconfigured', error: err } };
    throw err;
  }
  switch (choice.kind) {
    case 'pubnub':
      return { setting: { kind: 'pubnub-files' }, choice };
    case 'local':
      return { setting: { kind: 'shared', store: new LocalAttachmentStore({ directory: choice.directory }) }, choice };
    case 's3':
      try {
        return { setting: { kind: 'shared', store: new S3AttachmentStore(choice.s3) }, choice };
      } catch (err) {
        if (err instanceof RangeError) return { setting: { kind: 'misconfigured', error: misconfigured(settings, err.message) } };
        throw err;
      }
  }
}

/** A line for the start-up log: the store in use (no credentials exist here to leak), or the refusal's code. */
export function describeStoreSetting(result: { setting: AttachmentStoreSetting; choice?: AttachmentStoreChoice }): Record<string, string | null> {
  const c = result.choice;
  if (result.setting.kind === 'misconfigured') return { store: null, code: result.setting.error.code, detail: result.setting.error.message };
  if (c?.kind === 's3') return { store: 's3', bucket: c.s3.bucket, region: c.s3.region, endpoint: c.s3.endpoint ?? null };
  return { store: c?.kind ?? null };
}
