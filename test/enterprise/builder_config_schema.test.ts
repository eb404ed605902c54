/**
 * The electron-builder configuration (docs/deployment.md §5), validated against electron-builder's own JSON
 * schema (node_modules/app-builder-lib/scheme.json, with ajv, and through electron-builder's own validator)
 * for every signing setup; the fixed MSI upgrade code; every Electron fuse set explicitly; native modules
 * unpacked from asar; signing only from the environment; and the hardened-runtime entitlements.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import Ajv from 'ajv';
import plist from 'plist';
import { describe, expect, it } from 'vitest';

const repo = join(__dirname, '..', '..');
const requireHere = createRequire(__filename);

type Config = Record<string, unknown> & {
  msi: Record<string, unknown>;
  win: Record<string, unknown>;
  mac: Record<string, unknown>;
  electronFuses: Record<string, boolean>;
  asarUnpack: string[];
};
const builder = requireHere(join(repo, 'electron-builder.config.cjs')) as (() => Config) & {
  createBuilderConfig(env: Record<string, string>): Config;
  MSI_UPGRADE_CODE: string;
  NATIVE_MODULES: string[];
};
const schema = JSON.parse(readFileSync(join(repo, 'node_modules/app-builder-lib/scheme.json'), 'utf8')) as Record<string, unknown> & {
  definitions: { FuseOptionsV1: { properties: Record<string, unknown> } };
};
const { getConfig, validateConfiguration } = requireHere('app-builder-lib/out/util/config/config') as {
  getConfig(projectDir: string, configPath: string, configFromOptions: null): Promise<Config>;
  validateConfiguration(config: unknown, logger: { isEnabled: boolean }): Promise<void>;
};
const validate = new Ajv({ allErrors: true, strict: false }).compile(schema);
/** The glob matcher electron-builder itself applies to `asarUnpack`. */
const { minimatch } = createRequire(requireHere.resolve('app-builder-lib/package.json'))('minimatch') as {
  minimatch(path: string, pattern: string, options: { dot: boolean }): boolean;
};

/** The one MSI UpgradeCode this product will ever have. Changing it breaks every MDM upgrade. */
const UPGRADE_CODE = '6F1B2C3D-8E47-4A5B-9C0D-2E3F4A5B6C7D';

const ENVIRONMENTS: Record<string, Record<string, string>> = {
  unsigned: {},
  'Azure Trusted Signing + Apple API key notarization + update feed': {
    AZURE_TRUSTED_SIGNING_ENDPOINT: 'https://eus.codesigning.azure.net',
    AZURE_TRUSTED_SIGNING_ACCOUNT: 'seed-signing',
    AZURE_TRUSTED_SIGNING_PROFILE: 'seed-public-trust',
    WIN_PUBLISHER_NAME: 'Seed',
    CSC_NAME: 'Developer ID Application: Seed (TEAMID1234)',
    APPLE_API_KEY: '/secure/AuthKey.p8',
    APPLE_API_KEY_ID: 'KEYID',
    APPLE_API_ISSUER: 'issuer',
    SEED_UPDATE_FEED_URL: 'https://updates.seed.example/stable',
    SEED_REQUIRE_SIGNING: '1',
  },
  'signtool (certificate thumbprint) + Apple ID notarization': {
    WIN_SIGN_CERT_SHA1: '0123456789abcdef0123456789abcdef01234567',
    WIN_PUBLISHER_NAME: 'Seed',
    CSC_LINK: '/secure/cert.p12',
    APPLE_ID: 'release@seed.example',
    APPLE_APP_SPECIFIC_PASSWORD: 'from-ci-secret-store',
    APPLE_TEAM_ID: 'TEAMID1234',
  },
  'test build': { SEED_TEST_BUILD: '1', SEED_ELECTRON_DIST: '/opt/electron-dist' },
};

describe('electron-builder configuration', () => {
  it('electron-builder loads the repo-root config file as the config for the current environment, schema-valid', async () => {
    const root = await getConfig(repo, 'electron-builder.config.cjs', null);
    const { files: _normalisedByLoader, ...expected } = builder.createBuilderConfig(process.env as Record<string, string>);
    expect(root).toMatchObject(expected);
    expect(root.msi['upgradeCode']).toBe(UPGRADE_CODE);
    expect(validate(root), JSON.stringify(validate.errors)).toBe(true);
    await expect(validateConfiguration(root, { isEnabled: false })).resolves.toBeUndefined();
  });

  for (const [name, env] of Object.entries(ENVIRONMENTS)) {
    it(`validates against electron-builder's JSON schema: ${name}`, async () => {
      const config = builder.createBuilderConfig(env);
      expect(validate(config), JSON.stringify(validate.errors)).toBe(true);
      await expect(validateConfiguration(config, { isEnabled: false })).resolves.toBeUndefined();
    });
  }

  it('the schema check can fail: a misspelled option is rejected', async () => {
    const config = builder.createBuilderConfig({});
    const bad = { ...config, msi: { ...config.msi, upgradeCod: UPGRADE_CODE } };
    expect(validate(bad)).toBe(false);
    await expect(validateConfiguration(bad, { isEnabled: false })).rejects.toThrow(/msi/);
  });

  it('keeps the MSI upgrade code fixed, per-machine, and silent-install friendly', () => {
    expect(builder.MSI_UPGRADE_CODE).toBe(UPGRADE_CODE);
    expect(UPGRADE_CODE).toMatch(/^[0-9A-F]{8}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{12}$/);
    for (const env of Object.values(ENVIRONMENTS)) {
      const { msi } = builder.createBuilderConfig(env);
      expect(msi).toMatchObject({ upgradeCode: UPGRADE_CODE, perMachine: true, runAfterFinish: false });
    }
    expect(readFileSync(join(repo, 'docs/deployment.md'), 'utf8')).toContain(UPGRADE_CODE);
  });

  it('sets every Electron fuse explicitly, with inspect only in a test build', () => {
    const fuseNames = Object.keys(schema.definitions.FuseOptionsV1.properties).sort();
    const release = builder.createBuilderConfig({}).electronFuses;
    expect(Object.keys(release).sort()).toEqual(fuseNames);
    for (const v of Object.values(release)) expect(typeof v).toBe('boolean');
    expect(release).toMatchObject({
      runAsNode: false,
      enableNodeOptionsEnvironmentVariable: false,
      enableNodeCliInspectArguments: false,
      enableCookieEncryption: true,
      enableEmbeddedAsarIntegrityValidation: true,
      onlyLoadAppFromAsar: true,
    });
    expect(builder.createBuilderConfig({ SEED_TEST_BUILD: '1' }).electronFuses.enableNodeCliInspectArguments).toBe(true);
    expect(builder.createBuilderConfig({ SEED_TEST_BUILD: 'yes' }).electronFuses.enableNodeCliInspectArguments).toBe(false);
  });

  it('gives file:// pages no extra privileges in any build: the window loads from app://seed', () => {
    for (const env of [{}, { SEED_TEST_BUILD: '1' }, ...Object.values(ENVIRONMENTS)]) {
      expect(builder.createBuilderConfig(env).electronFuses.grantFileProtocolExtraPrivileges).toBe(false);
    }
    const window = readFileSync(join(repo, 'src/main/electron/window.ts'), 'utf8');
    expect(window).not.toMatch(/\bloadFile\(/);
    expect(window).toContain('APP_INDEX_URL');
  });

  it('unpacks every native module from app.asar and rebuilds them for Electron', () => {
    const config = builder.createBuilderConfig({});
    expect(config).toMatchObject({ asar: true, npmRebuild: true, buildDependenciesFromSource: false });
    const unpacked = (file: string) => config.asarUnpack.some((g) => minimatch(file, g, { dot: true }));
    expect(builder.NATIVE_MODULES.sort()).toEqual(['argon2', 'better-sqlite3', 'better-sqlite3-multiple-ciphers', 'keytar', 'sodium-native']);
    for (const file of [
      'node_modules/keytar/build/Release/keytar.node',
      'node_modules/better-sqlite3/build/Release/better_sqlite3.node',
      'node_modules/better-sqlite3/lib/database.js',
      'node_modules/better-sqlite3-multiple-ciphers/build/Release/better_sqlite3.node',
      'node_modules/better-sqlite3-multiple-ciphers/lib/database.js',
      'node_modules/argon2/prebuilds/linux-x64/argon2.glibc.node',
      'node_modules/sodium-native/prebuilds/linux-x64/sodium-native.node',
      'node_modules/sodium-native/binding.js',
    ]) {
      expect(unpacked(file), file).toBe(true);
    }
    expect(unpacked('node_modules/pubnub/lib/node/index.js')).toBe(false);
  });

  it('signs only with what the environment provides, and never holds a secret', () => {
    const unsigned = builder.createBuilderConfig({});
    expect(unsigned.win).not.toHaveProperty('azureSignOptions');
    expect(unsigned.win).not.toHaveProperty('signtoolOptions');
    expect(unsigned.mac).toMatchObject({ hardenedRuntime: true, notarize: false });
    expect(unsigned['forceCodeSigning']).toBe(false);
    expect(unsigned['publish']).toBeNull();

    const azure = builder.createBuilderConfig(ENVIRONMENTS['Azure Trusted Signing + Apple API key notarization + update feed'] ?? {});
    expect(azure.win['azureSignOptions']).toMatchObject({ codeSigningAccountName: 'seed-signing', certificateProfileName: 'seed-public-trust' });
    expect(azure.mac).toMatchObject({ notarize: true, identity: 'Developer ID Application: Seed (TEAMID1234)' });
    expect(azure['forceCodeSigning']).toBe(true);
    expect(azure['publish']).toEqual([{ provider: 'generic', url: 'https://updates.seed.example/stable', channel: 'latest' }]);

    const signtool = builder.createBuilderConfig(ENVIRONMENTS['signtool (certificate thumbprint) + Apple ID notarization'] ?? {});
    expect(signtool.win['signtoolOptions']).toMatchObject({ certificateSha1: '0123456789abcdef0123456789abcdef01234567' });
    expect(JSON.stringify(signtool)).not.toContain('from-ci-secret-store');
    expect(() => builder.createBuilderConfig({ SEED_UPDATE_FEED_URL: 'http://plain.example' })).toThrow(/https/);

    const sources = readFileSync(join(repo, 'electron-builder.config.cjs'), 'utf8');
    expect(sources).not.toMatch(/-----BEGIN|password\s*[:=]\s*['"][^'"]+['"]|cscKeyPassword|certificatePassword/i);
  });

  it('builds the required installers for every platform', () => {
    const config = builder.createBuilderConfig({}) as Config & Record<'linux', { target: { target: string }[] }>;
    const targets = (p: Record<string, unknown>) => (p['target'] as { target: string }[]).map((t) => t.target);
    expect(targets(config.win)).toEqual(['msi', 'nsis']);
    expect(targets(config.mac)).toEqual(expect.arrayContaining(['dmg', 'pkg']));
    expect(targets(config.linux)).toEqual(['deb', 'rpm', 'AppImage']);
    expect(config['deb']).toMatchObject({ depends: expect.arrayContaining(['libsecret-1-0']) });
    expect(config['rpm']).toMatchObject({ depends: expect.arrayContaining(['libsecret']) });
  });

  it('uses hardened-runtime entitlements that allow only the JIT', () => {
    for (const file of ['build/entitlements.mac.plist', 'build/entitlements.mac.inherit.plist']) {
      const text = readFileSync(join(repo, file), 'utf8');
      expect(plist.parse(text)).toEqual({ 'com.apple.security.cs.allow-jit': true });
    }
  });
});
