/**
 * The CLI applies the key manager rule (docs/broadcast.md §6): `bcast create --key-manager` with a
 * plain-http address on the network exits non-zero with `error key_manager_url_refused: <sentence>` and
 * creates nothing; the default key manager (loopback http in this local stack) still works.
 */
import { describe, expect, it } from 'vitest';
import { uniqueName } from '../client/harness';
import { json, useCliWorld } from './cliWorld';

const { cli } = useCliWorld('seed-cli-bcast-url-');

// Each step spawns a CLI process (tsx start-up is seconds on a loaded 2-core machine).
describe('bcast create refuses a plain-http key manager', { timeout: 120_000 }, () => {
  it('refused with a typed error and a sentence; nothing created', async () => {
    const profile = `bu-${Date.now() % 100000}`;
    json(await cli(profile, ['--json', 'register', uniqueName('alice')]));
    const refused = await cli(profile, ['bcast', 'create', 'News', '--key-manager', 'http://10.11.12.13:8788']);
    expect(refused.code).not.toBe(0);
    expect(refused.stderr.trim()).toMatch(
      /^error key_manager_url_refused: The key manager 10\.11\.12\.13 is not reached over https, so anyone on the network could read this channel\. Use an https:\/\/ address\.$/,
    );
    expect(json<unknown[]>(await cli(profile, ['--json', 'bcast', 'list']))).toEqual([]);
  });
});
