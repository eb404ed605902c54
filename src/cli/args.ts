/**
 * Command-line parsing (docs/client.md, "CLI"): global options anywhere on the line, then a command and its
 * arguments. Defaults: profile `default`; key service `$SEED_SERVER`, else the desktop app's embedded
 * local stack recorded under `$SEED_HOME`, else http://127.0.0.1:8080; relay likewise (`$SEED_RELAY`, the
 * local stack, http://127.0.0.1:8090); profiles under `$SEED_HOME` or ~/.seed-messenger.
 */
import { homedir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { z } from 'zod';
import { recordedLocalStack } from '../localStack/index';
import type { AttachmentStoreSettings } from '../node/attachments/storeChoice';
import { UsageError } from './errors';
import { shieldIds, unshield, unshieldValues } from '../node/cliIds';
import { ATTACHMENT_STORES, s3BucketSchema, s3PrefixSchema, s3RegionSchema, serverUrlSchema, type AttachmentStoreKind } from '../common/policy/values';

export interface CliArgs {
  readonly profile: string;
  readonly server: string;
  readonly relay: string;
  readonly home: string;
  /** The directory of the local attachment store (`--files-dir`, `$SEED_FILES_DIR`). */
  readonly filesDir?: string;
  /** The desktop app's embedded local stack is used: its folder `<home>/attachments` is the default file store. */
  readonly localStack: boolean;
  /** The file store (`--files-store` and the `--s3-*` options, or `$SEED_FILES_STORE`, `$SEED_S3_*`), as storeChoice.ts takes it. */
  readonly filesStore: AttachmentStoreSettings;
  readonly json: boolean;
  readonly command: string;
  readonly rest: readonly string[];
  readonly flags: {
    readonly group: boolean;
    readonly name?: string;
    readonly history?: string;
    readonly admin: boolean;
    readonly displayName?: string;
    readonly passwordStdin: boolean;
    readonly confirm?: string;
    readonly yes: boolean;
    readonly scan?: string;
    readonly mark: boolean;
    readonly acknowledge: boolean;
    readonly limit?: string;
    readonly keyManager?: string;
    readonly count?: string;
    readonly sso: boolean;
    /** `recovery-key reset`: the user confirms the recovery key is lost too (docs/protocol.md §18.9). */
    readonly lostRecoveryKey: boolean;
    /** `push`: the device token, its gateway (`fcm` | `apns2`), and for APNs the app's topic and environment. */
    readonly token?: string;
    readonly type?: string;
    readonly topic?: string;
    readonly environment?: string;
    /** `send-file`: a caption for the file. */
    readonly caption?: string;
  };
}

export function parseCommandLine(argv: readonly string[], env: NodeJS.ProcessEnv): CliArgs {
  let parsed;
  try {
    parsed = parseArgs({
      args: shieldIds(argv),
      allowPositionals: true,
      strict: true,
      options: {
        profile: { type: 'string', short: 'p' },
        server: { type: 'string' },
        relay: { type: 'string' },
        'files-dir': { type: 'string' },
        'files-store': { type: 'string' },
        's3-bucket': { type: 'string' },
        's3-region': { type: 'string' },
        's3-endpoint': { type: 'string' },
        's3-prefix': { type: 'string' },
        's3-path-style': { type: 'boolean' },
        caption: { type: 'string' },
        json: { type: 'boolean' },
        group: { type: 'boolean' },
        name: { type: 'string' },
        history: { type: 'string' },
        admin: { type: 'boolean' },
        'display-name': { type: 'string' },
        'password-stdin': { type: 'boolean' },
        confirm: { type: 'string' },
        yes: { type: 'boolean', short: 'y' },
        scan: { type: 'string' },
        mark: { type: 'boolean' },
        acknowledge: { type: 'boolean' },
        limit: { type: 'string' },
        'key-manager': { type: 'string' },
        count: { type: 'string' },
        sso: { type: 'boolean' },
        'yes-i-lost-my-recovery-key': { type: 'boolean' },
        token: { type: 'string' },
        type: { type: 'string' },
        topic: { type: 'string' },
        environment: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (err) {
    throw new UsageError(err instanceof Error ? err.message : String(err));
  }
  const v = unshieldValues(parsed.values);
  const [command = v.help ? 'help' : '', ...rest] = parsed.positionals.map(unshield);
  if (command === '') throw new UsageError('no command given; try `help`');
  const home = env.SEED_HOME ?? join(homedir(), '.seed-messenger');
  const stack = v.server === undefined && env.SEED_SERVER === undefined ? recordedLocalStack(home) : null;
  const filesDir = v['files-dir'] ?? env.SEED_FILES_DIR;
  return {
    profile: v.profile ?? env.SEED_PROFILE ?? 'default',
    server: v.server ?? env.SEED_SERVER ?? stack?.keyServiceUrl ?? 'http://127.0.0.1:8080',
    relay: v.relay ?? env.SEED_RELAY ?? stack?.relayUrl ?? 'http://127.0.0.1:8090',
    home,
    ...(filesDir === undefined ? {} : { filesDir }),
    localStack: stack !== null,
    filesStore: filesStoreOf(v, env),
    json: v.json ?? false,
    command,
    rest,
    flags: {
      group: v.group ?? false,
      name: v.name,
      history: v.history,
      admin: v.admin ?? false,
      displayName: v['display-name'],
      passwordStdin: v['password-stdin'] ?? false,
      confirm: v.confirm,
      yes: v.yes ?? false,
      scan: v.scan,
      mark: v.mark ?? false,
      acknowledge: v.acknowledge ?? false,
      limit: v.limit,
      keyManager: v['key-manager'],
      count: v.count,
      sso: v.sso ?? false,
      lostRecoveryKey: v['yes-i-lost-my-recovery-key'] ?? false,
      token: v.token,
      type: v.type,
      topic: v.topic,
      environment: v.environment,
      caption: v.caption,
    },
  };
}

/** A value checked with a policy schema, or the option's usage error. */
function checked<T>(schema: z.ZodType<T>, option: string, value: string | undefined): T | null {
  if (value === undefined) return null;
  const r = schema.safeParse(value);
  if (!r.success) throw new UsageError(`${option} ${r.error.issues[0]?.message ?? 'is invalid'}`);
  return r.data;
}

/**
 * The file store of the command line (docs/client.md "CLI"): `--files-store pubnub|s3|local`, the S3 bucket,
 * region, endpoint, key prefix and path-style addressing; each also from the environment. S3 credentials come
 * from the AWS SDK's chain (AWS_ACCESS_KEY_ID…, AWS_PROFILE, an instance role), never from an option.
 */
function filesStoreOf(v: Record<string, string | boolean | undefined>, env: NodeJS.ProcessEnv): AttachmentStoreSettings {
  const text = (option: string, variable: string) => {
    const value = v[option] ?? env[variable];
    return typeof value === 'string' ? value : undefined;
  };
  const store = text('files-store', 'SEED_FILES_STORE');
  if (store !== undefined && !(ATTACHMENT_STORES as readonly string[]).includes(store))
    throw new UsageError(`--files-store must be one of ${ATTACHMENT_STORES.join(', ')}`);
  const pathStyle = v['s3-path-style'] ?? env.SEED_S3_PATH_STYLE;
  return {
    store: (store as AttachmentStoreKind | undefined) ?? null,
    s3Bucket: checked(s3BucketSchema, '--s3-bucket', text('s3-bucket', 'SEED_S3_BUCKET')),
    s3Region: checked(s3RegionSchema, '--s3-region', text('s3-region', 'SEED_S3_REGION')),
    s3Endpoint: checked(serverUrlSchema, '--s3-endpoint', text('s3-endpoint', 'SEED_S3_ENDPOINT')),
    s3Prefix: checked(s3PrefixSchema, '--s3-prefix', text('s3-prefix', 'SEED_S3_PREFIX')),
    s3PathStyle: pathStyle === true || pathStyle === '1' || pathStyle === 'true',
    source: 'the command line',
    remedy: 'Correct the option (see help); other commands work.',
    names: { store: '--files-store', bucket: '--s3-bucket', region: '--s3-region', noFolder: '--files-store local needs --files-dir (or the local stack)' },
  };
}

export const USAGE = `usage: npm run cli -- [--profile NAME] [--server URL] [--relay URL] [FILE STORE] [--json] COMMAND [ARGS]

accounts and devices
  register USERNAME [--display-name NAME]   create an account and this first device
  login USERNAME                            sign this profile in again (or a first device)
  login --sso                               sign in with the company account (OpenID provider; prints the address)
  whoami                                    who this profile is
  link-device USERNAME                      on a NEW device: show a link code and wait for approval
  approve-device CODE|QR [--confirm CODE]   on an existing device: approve a new device after comparing codes
  devices                                   this account's devices
  revoke-device DEVICE_ID                   revoke a device (its conversations rotate)
  sessions                                  this account's signed-in sessions (* = this device)
  sessions end SESSION_ID                   end one session
  sessions end-others                       sign out everywhere else (your devices sign in again by themselves)
  password                                  change the password (ends every other session)
  recovery-key create|rotate                make the account's recovery key (rotate: a new one; the old stops working)
  recovery-key verify                       check a recovery key ($SEED_RECOVERY_KEY or a prompt)
  restore USERNAME                          on a NEW profile, every device lost: password + recovery key
  recovery-key reset USERNAME --yes-i-lost-my-recovery-key
                                            on a NEW profile, every device AND the recovery key lost: a new
                                            identity (contacts see it changed; old history is unreadable)
                                            (waits while a device of the account is signed in)
  recovery-key reset-status                 the reset that waits: its time left, or (on a device) who asked
  recovery-key reset-finish                 on the waiting profile: finish the reset once its period is over
  recovery-key reset-cancel                 on a signed-in device: cancel the reset that waits

conversations
  conversations                             list conversations
  create USER... [--group] [--name N] [--history shared|joined]
  members add CONV USER [--admin]           add a member (wraps the history the policy grants)
  members remove CONV USER                  remove a member (rotates the key at once)
  rotate CONV                               rotate the conversation key now
  leave CONV                                leave a conversation

messages
  send CONV TEXT                            send a message
  read CONV [--limit N]                     print the latest messages
  follow [CONV...]                          print messages as they arrive (Ctrl-C to stop)
  send-file CONV PATH [--caption TEXT]      encrypt a file, store it (see FILE STORE) and send it
  fetch-file CONV MESSAGE_ID OUT_PATH       fetch a file, verify and decrypt it to OUT_PATH

verification
  verify USER [--scan QR] [--mark] [--acknowledge]   safety number; verify; acknowledge a key change

broadcast channels
  bcast create NAME [--key-manager URL]     create a channel (default key manager: <server>/km)
  bcast list                                channels of the directory and your roles
  bcast follow CHAN                         print messages as they arrive (Ctrl-C to stop)
  bcast read CHAN [--count N]               print the latest messages
  bcast publish CHAN TEXT                   publish a message
  bcast grant CHAN USER subscriber|publisher   owner: grant a role
  bcast revoke CHAN USER                    owner: cut a user off (new channel key; roles withdrawn)

mobile push (this profile acts as a phone)
  push register --token T --type fcm|apns2 [--topic BUNDLE_ID] [--environment development|production]
                                            enable a push device on every conversation you are in now
  push list --token T --type fcm|apns2 [...]   the conversations the device is enabled on
  push unregister --token T --type fcm|apns2 [...]   remove the device (no more pushes)

FILE STORE (where the encrypted parts of files go; both ends of a conversation must use the same):
  --files-store pubnub                      PubNub Files on the conversation's channel (default with a server)
  --files-store local --files-dir DIR       a folder (default with --files-dir or the desktop app's local stack)
  --files-store s3 --s3-bucket B --s3-region R [--s3-endpoint URL] [--s3-prefix P] [--s3-path-style]
                                            an S3-compatible bucket; credentials from the AWS SDK chain
  also from $SEED_FILES_STORE, $SEED_FILES_DIR, $SEED_S3_BUCKET, $SEED_S3_REGION, $SEED_S3_ENDPOINT,
  $SEED_S3_PREFIX, $SEED_S3_PATH_STYLE=1

Passwords come from $SEED_PASSWORD, --password-stdin, or a prompt (password: also $SEED_NEW_PASSWORD, or a
second line of stdin). CONV is a conversation id or group
name; CHAN a broadcast channel id or name; USER a username or user id. Profiles live in $SEED_HOME
(default ~/.seed-messenger)/<profile>; keys are in the OS keychain.`;
