/**
 * electron-builder configuration of Seed Messenger (docs/deployment.md §5: signing, Electron fuses). The file
 * exports a function, which electron-builder calls to get the configuration for the current environment;
 * `createBuilderConfig(env)` is also exported so that tests can build it for chosen environments and
 * validate every result against electron-builder's own JSON schema (app-builder-lib/scheme.json).
 * Build with `npm run dist` (build/dist.mjs, docs/deployment.md), which checks first that everything
 * electron-builder needs is present.
 *
 * Nothing secret lives here. Signing and notarization are switched on only by environment variables that
 * the release machine (or CI secret store) provides; certificate passwords and API keys are read by
 * electron-builder / signtool / Azure / notarytool themselves and never pass through this file.
 */
'use strict';

/** Windows Installer UpgradeCode. NEVER change it: MSI major upgrades and MDM supersedence find the
 * installed product by this GUID; a new value would install side by side instead of upgrading. */
const MSI_UPGRADE_CODE = '6F1B2C3D-8E47-4A5B-9C0D-2E3F4A5B6C7D';

const APP_ID = 'com.seed.messenger';
const PRODUCT_NAME = 'Seed Messenger';

/** Modules with native code: unpacked from app.asar (a .node file cannot be loaded from inside it) and
 * rebuilt against Electron's ABI before packaging. */
const NATIVE_MODULES = ['keytar', 'better-sqlite3', 'better-sqlite3-multiple-ciphers', 'argon2', 'sodium-native'];

const has = (env, ...names) => names.every((n) => typeof env[n] === 'string' && env[n].trim() !== '');

/**
 * Every Electron fuse, set explicitly (https://www.electronjs.org/docs/latest/tutorial/fuses).
 * `SEED_TEST_BUILD=1` marks a build for the Playwright `_electron` tests, which attach through the Node
 * inspector; only then is `--inspect` honoured.
 */
function electronFuses(env) {
  return {
    runAsNode: false,
    enableCookieEncryption: true,
    enableNodeOptionsEnvironmentVariable: false,
    enableNodeCliInspectArguments: env.SEED_TEST_BUILD === '1',
    enableEmbeddedAsarIntegrityValidation: true,
    onlyLoadAppFromAsar: true,
    loadBrowserProcessSpecificV8Snapshot: false,
    // The window loads the renderer from the privileged app:// scheme (src/main/electron/appProtocol.ts),
    // never from file://, so file:// pages get no extra privileges (docs/deployment.md, "Electron fuses").
    grantFileProtocolExtraPrivileges: false,
    resetAdHocDarwinSignature: true,
  };
}

/** Which signing each platform would use with this environment (also printed by `npm run dist`). */
function signingPlan(env) {
  let windows = 'none';
  if (has(env, 'AZURE_TRUSTED_SIGNING_ENDPOINT', 'AZURE_TRUSTED_SIGNING_ACCOUNT', 'AZURE_TRUSTED_SIGNING_PROFILE', 'WIN_PUBLISHER_NAME')) {
    windows = 'azure-trusted-signing';
  } else if (has(env, 'WIN_CSC_LINK') || has(env, 'WIN_SIGN_CERT_SHA1') || has(env, 'WIN_SIGN_SUBJECT_NAME')) {
    windows = 'signtool';
  }
  const macSign = has(env, 'CSC_LINK') || has(env, 'CSC_NAME') ? 'developer-id' : 'none';
  let notarize = 'none';
  if (has(env, 'APPLE_API_KEY', 'APPLE_API_KEY_ID', 'APPLE_API_ISSUER')) notarize = 'api-key';
  else if (has(env, 'APPLE_ID', 'APPLE_APP_SPECIFIC_PASSWORD', 'APPLE_TEAM_ID')) notarize = 'apple-id';
  else if (has(env, 'APPLE_KEYCHAIN', 'APPLE_KEYCHAIN_PROFILE')) notarize = 'keychain-profile';
  return { windows, mac: macSign, notarize };
}

function windowsSigning(env, plan) {
  switch (plan.windows) {
    case 'azure-trusted-signing':
      return {
        azureSignOptions: {
          endpoint: env.AZURE_TRUSTED_SIGNING_ENDPOINT,
          codeSigningAccountName: env.AZURE_TRUSTED_SIGNING_ACCOUNT,
          certificateProfileName: env.AZURE_TRUSTED_SIGNING_PROFILE,
          publisherName: env.WIN_PUBLISHER_NAME,
          fileDigest: 'SHA256',
          timestampDigest: 'SHA256',
          timestampRfc3161: env.WIN_TIMESTAMP_URL || 'http://timestamp.acs.microsoft.com',
        },
      };
    case 'signtool':
      return {
        signtoolOptions: {
          signingHashAlgorithms: ['sha256'],
          rfc3161TimeStampServer: env.WIN_TIMESTAMP_URL || 'http://timestamp.digicert.com',
          ...(has(env, 'WIN_SIGN_CERT_SHA1') ? { certificateSha1: env.WIN_SIGN_CERT_SHA1 } : {}),
          ...(has(env, 'WIN_SIGN_SUBJECT_NAME') ? { certificateSubjectName: env.WIN_SIGN_SUBJECT_NAME } : {}),
          ...(has(env, 'WIN_PUBLISHER_NAME') ? { publisherName: [env.WIN_PUBLISHER_NAME] } : {}),
        },
      };
    case 'none':
      return {};
    default:
      throw new Error(`unhandled Windows signing plan: ${plan.windows}`);
  }
}

/** The build's own update feed (generic provider), only when the release environment names one. */
function publishConfig(env) {
  const url = env.SEED_UPDATE_FEED_URL;
  if (!has(env, 'SEED_UPDATE_FEED_URL')) return null;
  if (!/^https:\/\/[^\s/?#@]+(\/[^\s?#]*)?$/.test(url)) {
    throw new Error(`SEED_UPDATE_FEED_URL must be an https:// URL without query or credentials, got ${JSON.stringify(url)}`);
  }
  return [{ provider: 'generic', url, channel: 'latest' }];
}

function createBuilderConfig(env) {
  const plan = signingPlan(env);
  const requireSigning = env.SEED_REQUIRE_SIGNING === '1';
  return {
    appId: APP_ID,
    productName: PRODUCT_NAME,
    copyright: 'Copyright © Seed',
    artifactName: 'seed-messenger-${version}-${os}-${arch}.${ext}',
    directories: { output: 'dist', buildResources: 'build' },
    // Drawn by build/icon.mjs; electron-builder derives .ico, .icns and the Linux sizes from it.
    icon: 'build/icon.png',
    files: ['out/**/*', 'package.json', '!**/*.map'],
    // The tray icon (src/main/desktop/trayModel.ts trayIconPath reads <resources>/icon.png when packaged).
    extraResources: [
      { from: 'resources/policy-templates', to: 'policy-templates' },
      { from: 'build/icon.png', to: 'icon.png' },
    ],
    // The deep-link scheme (src/main/security/deepLink.ts), written into macOS's Info.plist (CFBundleURLTypes);
    // on Windows and Linux the app registers itself when it starts (src/main/electron/deepLinks.ts).
    protocols: [{ name: 'Seed Messenger link', schemes: ['seed-messenger'] }],
    asar: true,
    asarUnpack: [...NATIVE_MODULES.map((m) => `**/node_modules/${m}/**`), '**/*.node'],
    npmRebuild: true,
    nativeRebuilder: 'sequential',
    buildDependenciesFromSource: false,
    electronFuses: electronFuses(env),
    ...(has(env, 'SEED_ELECTRON_DIST') ? { electronDist: env.SEED_ELECTRON_DIST } : {}),
    forceCodeSigning: requireSigning,
    publish: publishConfig(env),

    win: {
      target: [
        { target: 'msi', arch: ['x64', 'arm64'] },
        { target: 'nsis', arch: ['x64', 'arm64'] },
      ],
      executableName: 'SeedMessenger',
      requestedExecutionLevel: 'asInvoker',
      signExts: ['.dll', '.node'],
      verifyUpdateCodeSignature: true,
      ...windowsSigning(env, plan),
    },
    msi: {
      upgradeCode: MSI_UPGRADE_CODE,
      perMachine: true,
      oneClick: true,
      runAfterFinish: false,
      createDesktopShortcut: false,
      createStartMenuShortcut: true,
      shortcutName: PRODUCT_NAME,
      warningsAsErrors: true,
    },
    nsis: {
      oneClick: false,
      perMachine: false,
      allowElevation: true,
      allowToChangeInstallationDirectory: true,
      deleteAppDataOnUninstall: false,
      runAfterFinish: true,
      shortcutName: PRODUCT_NAME,
      uninstallDisplayName: PRODUCT_NAME,
    },

    mac: {
      target: [
        { target: 'dmg', arch: ['x64', 'arm64'] },
        { target: 'pkg', arch: ['x64', 'arm64'] },
        // electron-updater applies macOS updates from the zip; IT deploys the pkg.
        { target: 'zip', arch: ['x64', 'arm64'] },
      ],
      category: 'public.app-category.business',
      minimumSystemVersion: '12.0',
      hardenedRuntime: true,
      gatekeeperAssess: false,
      entitlements: 'build/entitlements.mac.plist',
      entitlementsInherit: 'build/entitlements.mac.inherit.plist',
      ...(has(env, 'CSC_NAME') ? { identity: env.CSC_NAME } : {}),
      notarize: plan.notarize !== 'none',
    },
    dmg: { sign: false, writeUpdateInfo: false },
    pkg: {
      installLocation: '/Applications',
      allowAnywhere: false,
      allowCurrentUserHome: false,
      allowRootDirectory: true,
      isRelocatable: false,
      isVersionChecked: true,
      overwriteAction: 'upgrade',
    },

    linux: {
      target: [
        { target: 'deb', arch: ['x64', 'arm64'] },
        { target: 'rpm', arch: ['x64', 'arm64'] },
        { target: 'AppImage', arch: ['x64', 'arm64'] },
      ],
      executableName: 'seed-messenger',
      category: 'Network;InstantMessaging',
      synopsis: 'End-to-end encrypted messenger',
      description: 'End-to-end encrypted desktop messenger for company employees.',
      maintainer: 'Seed <it@seed.invalid>',
      vendor: 'Seed',
    },
    deb: {
      depends: ['libgtk-3-0', 'libnotify4', 'libnss3', 'libxss1', 'libxtst6', 'xdg-utils', 'libatspi2.0-0', 'libuuid1', 'libsecret-1-0'],
    },
    rpm: {
      depends: ['gtk3', 'libnotify', 'nss', 'libXScrnSaver', '(libXtst or libXtst6)', 'xdg-utils', 'at-spi2-core', '(libuuid or libuuid1)', 'libsecret'],
    },
  };
}

/** Called by electron-builder: the configuration for this process's environment. */
function seedMessengerBuilderConfig() {
  return createBuilderConfig(process.env);
}

module.exports = Object.assign(seedMessengerBuilderConfig, {
  createBuilderConfig,
  signingPlan,
  electronFuses,
  MSI_UPGRADE_CODE,
  APP_ID,
  PRODUCT_NAME,
  NATIVE_MODULES,
});
