/**
 * Opening a CLI profile (issue 6, "Profiles under a data dir"): `<home>/<profile>` holds the non-secret
 * state, the vault is the OS keychain under the profile's service name (src/main/composition.ts), and the
 * client core is the same `Client` the desktop app uses.
 */
import { join } from 'node:path';
import { keychainServiceName } from '../main/composition';
import { Client } from '../main/core/client';
import { createKeychainVault } from '../main/core/vault';
import { createKeytarStore } from '../main/keychain/keychain';
import { createNodeCryptoProvider } from '../node/crypto/nodeProvider';
import type { CliArgs } from './args';

export function openProfile(args: CliArgs): Promise<Client> {
  const service = keychainServiceName(args.profile);
  return Client.open({
    vault: createKeychainVault(createKeytarStore(service)),
    keyServiceUrl: args.server,
    relay: args.relay,
    provider: createNodeCryptoProvider(),
    dataDir: join(args.home, args.profile),
    deviceName: `CLI (${args.profile})`,
    platform: 'cli',
  });
}
