/**
 * Where a profile's non-secret files live. One folder per profile under the Seed home
 * (`$SEED_HOME`, default `~/.seed-messenger`), so `--profile bob` is a second user on the same machine;
 * the user's own settings file (the lowest policy layer) is `config.json` in it. Secrets never go here:
 * they are in the OS keychain under the profile's service name (`keychainServiceName` of src/client).
 */
import { homedir } from 'node:os';
import { join } from 'node:path';
import { keychainServiceName } from '../client';

export interface ProfilePaths {
  profile: string;
  dir: string;
  appConfig: string;
  keychainService: string;
}

export function seedHome(env: NodeJS.ProcessEnv = process.env): string {
  return env['SEED_HOME'] && env['SEED_HOME'].length > 0 ? env['SEED_HOME'] : join(homedir(), '.seed-messenger');
}

/** Validates the profile name (typed `InvalidProfileError`) and returns its paths. */
export function profilePaths(home: string, profile: string): ProfilePaths {
  const keychainService = keychainServiceName(profile);
  const dir = join(home, profile);
  return { profile, dir, appConfig: join(dir, 'config.json'), keychainService };
}
