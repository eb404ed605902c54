/**
 * How this copy of the app was installed, which decides who owns its updates (docs/deployment.md §3:
 * off or IT-managed for per-machine installs). per-machine: Windows MSI/NSIS into Program Files, or a
 * root-owned bundle from the macOS pkg — deployed by IT, not writable by the user. package-manager: a
 * deb/rpm under /usr or /opt — apt/dnf update it. per-user: NSIS per-user, a dmg copy, an AppImage.
 * Environment variables may add Program Files locations but never remove the fixed ones, so a user
 * cannot make a per-machine install look per-user.
 */
import { statSync } from 'node:fs';

export type InstallKind = 'development' | 'per-machine' | 'per-user' | 'package-manager';

export interface InstallFacts {
  platform: string;
  isPackaged: boolean;
  execPath: string;
  env: Readonly<Record<string, string | undefined>>;
  /** Owner uid of the macOS .app bundle (`null` elsewhere or when unknown). */
  bundleOwnerUid: number | null;
}

const WINDOWS_MACHINE_DIRS = ['c:\\program files\\', 'c:\\program files (x86)\\'];

function underAny(path: string, dirs: readonly string[]): boolean {
  const p = path.toLowerCase();
  return dirs.map((d) => d.toLowerCase().replace(/\\?$/, '\\')).some((d) => p.startsWith(d));
}

export function detectInstallKind(facts: InstallFacts): InstallKind {
  if (!facts.isPackaged) return 'development';
  switch (facts.platform) {
    case 'win32': {
      const fromEnv = ['ProgramFiles', 'ProgramW6432', 'ProgramFiles(x86)']
        .map((n) => facts.env[n])
        .filter((d): d is string => typeof d === 'string' && d !== '');
      return underAny(facts.execPath, [...WINDOWS_MACHINE_DIRS, ...fromEnv]) ? 'per-machine' : 'per-user';
    }
    case 'darwin':
      return facts.bundleOwnerUid === 0 ? 'per-machine' : 'per-user';
    case 'linux':
      if (facts.env['APPIMAGE']) return 'per-user';
      return /^\/(usr|opt)\//.test(facts.execPath) ? 'package-manager' : 'per-user';
    default:
      return 'per-user';
  }
}

/** The owner of the `.app` bundle that contains `execPath` on macOS, else `null`. */
export function bundleOwnerUid(platform: string, execPath: string): number | null {
  if (platform !== 'darwin') return null;
  const i = execPath.indexOf('.app/Contents/');
  if (i < 0) return null;
  try {
    return statSync(execPath.slice(0, i + '.app'.length)).uid;
  } catch {
    return null;
  }
}
