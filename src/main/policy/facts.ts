/**
 * The platform facts the policy loaders need, injected so the loaders are plain Node and testable
 * without the OS stores (docs/deployment.md §2): which platform, who the user is, how to run `reg.exe`, and
 * where the stores live. `nodePolicyFacts()` gives the real ones; tests pass recorded command output and
 * temp folders instead.
 */
import { execFile } from 'node:child_process';
import { userInfo } from 'node:os';
import { POLICY_IDENTITY } from '../../common/policy/identity';

export interface CommandResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}

/** Runs a program with arguments (no shell) and reports how it ended; never rejects for a non-zero exit. */
export type CommandRunner = (file: string, args: readonly string[]) => Promise<CommandResult>;

export interface PolicyFacts {
  platform: string;
  /** POSIX uid of this process (`null` on Windows). */
  uid: number | null;
  /** Short user name: the macOS per-user managed-preferences folder. */
  userName: string;
  runCommand: CommandRunner;
  /** The user's own settings file (lowest layer above the defaults), or `null` for none. */
  appConfigPath: string | null;
  linuxPolicyFile: string;
  macManagedPreferencesDir: string;
  /**
   * The Windows folder: reg.exe is run from its System32, never looked up on PATH. Not taken from the
   * `SystemRoot` environment variable, which the user controls and could point at a fake reg.exe that
   * hides machine policy.
   */
  windowsSystemRoot: string;
}

const COMMAND_TIMEOUT_MS = 10_000;

export const runCommand: CommandRunner = (file, args) =>
  new Promise((resolve) => {
    execFile(file, [...args], { timeout: COMMAND_TIMEOUT_MS, windowsHide: true, encoding: 'utf8', maxBuffer: 1024 * 1024 }, (error, stdout, stderr) => {
      const code = error && typeof error.code === 'number' ? error.code : error ? -1 : 0;
      resolve({ exitCode: code, stdout, stderr: stderr || (error && code === -1 ? error.message : '') });
    });
  });

export function nodePolicyFacts(appConfigPath: string | null): PolicyFacts {
  return {
    platform: process.platform,
    uid: typeof process.getuid === 'function' ? process.getuid() : null,
    userName: userInfo().username,
    runCommand,
    appConfigPath,
    linuxPolicyFile: POLICY_IDENTITY.linuxPolicyFile,
    macManagedPreferencesDir: POLICY_IDENTITY.macManagedPreferencesDir,
    windowsSystemRoot: 'C:\\Windows',
  };
}
