/**
 * `npm run dist [-- --win|--mac|--linux] [-- --dir] [-- --allow-download]` (issue 9): checks that
 * everything electron-builder needs is present, says plainly what is missing and how to provide it, and
 * only then builds the renderer/main bundles and runs electron-builder with electron-builder.config.cjs.
 *
 * electron-builder needs, beyond this repository: the Electron release zip for each target platform and
 * architecture, and (except for `--dir`) helper tools it downloads from GitHub (fpm, appimagetool, NSIS,
 * WiX). Our build machines have no internet, so without `--allow-download` the script requires them
 * locally (SEED_ELECTRON_DIST, ELECTRON_BUILDER_CACHE) and exits with status 2 otherwise.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import builderConfig from '../electron-builder.config.cjs';

export const EXIT_PREFLIGHT = 2;
const repo = join(dirname(fileURLToPath(import.meta.url)), '..');
const { signingPlan } = builderConfig;
const PLATFORM_FLAGS = { '--win': 'win32', '-w': 'win32', '--mac': 'darwin', '-m': 'darwin', '--linux': 'linux', '-l': 'linux' };
const HOST_ARCH = { x64: 'x64', arm64: 'arm64' };

function electronVersion() {
  return JSON.parse(readFileSync(join(repo, 'node_modules/electron/package.json'), 'utf8')).version;
}

export function parseArgs(argv) {
  const platforms = new Set(argv.filter((a) => a in PLATFORM_FLAGS).map((a) => PLATFORM_FLAGS[a]));
  const archs = ['x64', 'arm64'].filter((a) => argv.includes(`--${a}`));
  return {
    platforms: platforms.size > 0 ? [...platforms] : [process.platform],
    archs,
    dirOnly: argv.includes('--dir'),
    allowDownload: argv.includes('--allow-download'),
    passThrough: argv.filter((a) => a !== '--allow-download'),
  };
}

function electronZipsPresent(dist, version, platform, archs) {
  if (!existsSync(dist)) return false;
  if (!statSync(dist).isDirectory()) return dist.endsWith('.zip');
  const files = readdirSync(dist);
  const zips = archs.map((arch) => `electron-v${version}-${platform}-${arch}.zip`);
  const unpacked = files.some((f) => /^(electron|electron\.exe|Electron\.app)$/.test(f));
  return unpacked || zips.every((z) => files.includes(z));
}

/** Pure check of what a build needs; returns the problems (each with a fix) and informational lines. */
export function preflight({ argv, env, host, version }) {
  const args = parseArgs(argv);
  const archs = args.archs.length > 0 ? args.archs : [HOST_ARCH[process.arch] ?? 'x64'];
  const problems = [];
  const info = [`Electron ${version}; targets: ${args.platforms.join(', ')} (${archs.join(', ')})${args.dirOnly ? ', unpacked only' : ''}`];

  for (const platform of args.platforms) {
    if (platform === 'darwin' && host !== 'darwin') {
      problems.push('macOS targets (dmg, pkg, signing, notarization) can only be built on macOS: run `npm run dist -- --mac` on a Mac.');
    }
    if (platform === 'win32' && host !== 'win32' && !args.dirOnly) {
      problems.push('The Windows MSI is built with WiX, which runs on Windows: run `npm run dist -- --win` on Windows (or add --dir for an unpacked build).');
    }
  }

  const dist = env.SEED_ELECTRON_DIST;
  if (dist) {
    for (const platform of args.platforms) {
      if (!electronZipsPresent(dist, version, platform, archs)) {
        problems.push(
          `SEED_ELECTRON_DIST=${dist} has no Electron for ${platform}: put electron-v${version}-${platform}-<arch>.zip there (from https://github.com/electron/electron/releases/tag/v${version}) or an unpacked Electron.`,
        );
      }
    }
  } else if (!args.allowDownload) {
    problems.push(
      `The Electron ${version} binary is not available here (electron-builder downloads electron-v${version}-<platform>-<arch>.zip from GitHub). ` +
        'Either run with network access and add --allow-download, or copy the release zips into a folder and set SEED_ELECTRON_DIST to it.',
    );
  }

  if (!args.dirOnly && !args.allowDownload) {
    const cache = env.ELECTRON_BUILDER_CACHE;
    if (!cache || !existsSync(cache)) {
      problems.push(
        "Installers need electron-builder's helper tools (fpm for deb/rpm, appimagetool, NSIS, WiX), which it downloads from GitHub. " +
          'Add --allow-download on a connected machine, or set ELECTRON_BUILDER_CACHE to a cache filled by such a run, or build only the unpacked app with --dir.',
      );
    }
  }

  const plan = signingPlan(env);
  const requireSigning = env.SEED_REQUIRE_SIGNING === '1';
  for (const platform of args.platforms) {
    if (platform === 'win32') {
      info.push(
        `Windows signing: ${plan.windows === 'none' ? 'none (set AZURE_TRUSTED_SIGNING_* + WIN_PUBLISHER_NAME, or WIN_CSC_LINK / WIN_SIGN_CERT_SHA1)' : plan.windows}`,
      );
      if (requireSigning && plan.windows === 'none')
        problems.push('SEED_REQUIRE_SIGNING=1 but no Windows signing is configured (see docs/deployment.md, "Signing").');
    }
    if (platform === 'darwin') {
      info.push(`macOS signing: ${plan.mac === 'none' ? 'none (set CSC_LINK + CSC_KEY_PASSWORD, or CSC_NAME)' : plan.mac}; notarization: ${plan.notarize}`);
      if (requireSigning && (plan.mac === 'none' || plan.notarize === 'none')) {
        problems.push('SEED_REQUIRE_SIGNING=1 but macOS signing or notarization is not configured (see docs/deployment.md, "Signing").');
      }
    }
    if (platform === 'linux') info.push('Linux packages are not code-signed; sign your apt/dnf repository metadata instead.');
  }
  return { problems, info, args };
}

function run(command, args) {
  const r = spawnSync(command, args, { cwd: repo, stdio: 'inherit', shell: process.platform === 'win32' });
  return r.status ?? 1;
}

function main() {
  const { problems, info, args } = preflight({ argv: process.argv.slice(2), env: process.env, host: process.platform, version: electronVersion() });
  for (const line of info) console.log(`dist: ${line}`);
  if (problems.length > 0) {
    console.error('\ndist: cannot build installers here:');
    problems.forEach((p, i) => console.error(`  ${i + 1}. ${p}`));
    console.error('\nSee docs/deployment.md ("Building the installers"). Nothing was built.');
    process.exit(EXIT_PREFLIGHT);
  }
  const built = run('npm', ['run', 'build']);
  if (built !== 0) process.exit(built);
  process.exit(run('npx', ['electron-builder', '--config', 'electron-builder.config.cjs', '--publish', 'never', ...args.passThrough]));
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) main();
