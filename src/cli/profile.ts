/**
 * Opening a CLI profile (docs/client.md, "CLI"): `<home>/<profile>` holds the non-secret
 * state, the vault is the OS keychain under the service name of profile `cli-<profile>`
 * (src/main/composition.ts), and the client core is the same `Client` the desktop app uses.
 */
import { join } from 'node:path';
import { keychainServiceName, Client, createKeychainVault, createKeytarStore } from '../client';
import { chooseCryptoProvider } from '../node/crypto/providers';
import { attachmentStoreSetting, localAttachmentFolder } from '../node/attachments/storeChoice';
import type { CliArgs } from './args';
import { UsageError } from './errors';

/**
 * The keychain service of a CLI profile: `seed-messenger.cli-<profile>`, apart from the desktop app's
 * profiles, whose state lives elsewhere (sharing an entry would let one overwrite the other's device keys).
 */
export function cliKeychainService(profile: string): string {
  if (!/^[a-z0-9-]{1,28}$/.test(profile)) throw new UsageError(`invalid profile name ${JSON.stringify(profile.slice(0, 40))}: use 1-28 of a-z, 0-9, -`);
  return keychainServiceName(`cli-${profile}`);
}

/**
 * The CLI's file store (src/node/attachments/storeChoice.ts): a refused combination of options leaves files
 * unavailable with its sentence (`attachment_store_misconfigured`), the other commands work.
 */
function filesStoreOf(args: CliArgs) {
  const dir = args.filesDir;
  const localFolder = dir !== undefined ? () => dir : args.localStack ? () => localAttachmentFolder(args.home) : undefined;
  return attachmentStoreSetting(args.filesStore, localFolder === undefined ? {} : { localFolder }).setting;
}

export function openProfile(args: CliArgs): Promise<Client> {
  const service = cliKeychainService(args.profile);
  return Client.open({
    vault: createKeychainVault(createKeytarStore(service)),
    keyServiceUrl: args.server,
    relay: args.relay,
    provider: chooseCryptoProvider().provider,
    dataDir: join(args.home, args.profile),
    deviceName: `CLI (${args.profile})`,
    platform: 'cli',
    attachmentStore: filesStoreOf(args),
  });
}
