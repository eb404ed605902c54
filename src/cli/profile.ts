/**
 * Opening a CLI profile (docs/client.md, "CLI"): `<home>/<profile>` holds the non-secret
 * state, the vault is the OS keychain under the service name of profile `cli-<profile>`
 * (src/main/composition.ts), and the client core is the same `Client` the desktop app uses.
 */
import { join } from 'node:path';
import { keychainServiceName, Client, createKeychainVault, createKeytarStore } from '../client';
import { chooseCryptoProvider } from '../node/crypto/providers';
import { LocalAttachmentStore } from '../node/attachments/store';
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
    ...(args.filesDir === undefined ? {} : { attachmentStore: new LocalAttachmentStore({ directory: args.filesDir }) }),
  });
}
