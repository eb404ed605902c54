/**
 * The Linux machine policy /etc/seed-messenger/policies.json (docs/deployment.md, "Linux: policy file"),
 * tested for real: a temp folder stands in for /etc/seed-messenger, with real file modes, owners, symlinks
 * and FIFOs. A file or folder that anyone but root or the current user could write is refused with a typed
 * error saying why.
 */
import { execFileSync } from 'node:child_process';
import { chmodSync, chownSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { UntrustedPolicyFileError } from '../../src/main/policy/errors';
import type { PolicyFacts } from '../../src/main/policy/facts';
import { loadLinuxPolicyFile } from '../../src/main/policy/jsonPolicyFile';
import { loadEffectivePolicy } from '../../src/main/policy/loadEffectivePolicy';
import { MAX_POLICY_FILE_BYTES, readTrustedFile } from '../../src/main/policy/trustedFile';

const uid = process.getuid?.() ?? 0;
const isRoot = uid === 0;
const NOBODY = 65534;
const rules = { trustedUids: isRoot ? [0] : [0, uid] };

let root: string;
let etcDir: string;
let policyFile: string;

function facts(extra: Partial<PolicyFacts> = {}): PolicyFacts {
  return {
    platform: 'linux',
    uid,
    userName: 'tester',
    runCommand: () => Promise.reject(new Error('no commands on Linux')),
    appConfigPath: null,
    linuxPolicyFile: policyFile,
    macManagedPreferencesDir: '/nonexistent',
    windowsSystemRoot: 'C:\\Windows',
    ...extra,
  };
}

function writePolicy(content: unknown, mode = 0o644): void {
  writeFileSync(policyFile, typeof content === 'string' ? content : JSON.stringify(content));
  chmodSync(policyFile, mode);
}

async function refusal(path = policyFile): Promise<string> {
  const e = await readTrustedFile(path, rules).then(
    () => null,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(UntrustedPolicyFileError);
  return (e as UntrustedPolicyFileError).code;
}

beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'seed-policy-'));
  chmodSync(root, 0o755);
  etcDir = join(root, 'seed-messenger');
  mkdirSync(etcDir, { mode: 0o755 });
  policyFile = join(etcDir, 'policies.json');
});

afterEach(() => rmSync(root, { recursive: true, force: true }));

describe('Linux policy file loader (real files and modes)', () => {
  it('enforces a root/owner-only 0644 policy as machine policy', async () => {
    writePolicy({ $schema: './policies.schema.json', serverUrl: 'https://keys.corp.example', localModeAllowed: false, allowedSignInMethods: ['oidc'] });
    const r = await loadEffectivePolicy(facts());
    expect(r.values).toMatchObject({ serverUrl: 'https://keys.corp.example', localModeAllowed: false, allowedSignInMethods: ['oidc'] });
    expect(r.managed).toEqual({ serverUrl: 'machine', localModeAllowed: 'machine', allowedSignInMethods: 'machine' });
    expect(r.warnings).toEqual([]);
  });

  it('treats a missing file or folder as "no policy", without a warning', async () => {
    expect(await readTrustedFile(policyFile, rules)).toBeNull();
    expect(await readTrustedFile(join(root, 'absent', 'policies.json'), rules)).toBeNull();
    const r = await loadEffectivePolicy(facts());
    expect(r.managed).toEqual({});
    expect(r.warnings).toEqual([]);
  });

  it('refuses a file writable by its group or by others, and applies none of it', async () => {
    writePolicy({ localModeAllowed: false }, 0o664);
    expect(await refusal()).toBe('policy_file_writable_by_others');
    writePolicy({ localModeAllowed: false }, 0o646);
    expect(await refusal()).toBe('policy_file_writable_by_others');
    const r = await loadEffectivePolicy(facts());
    expect(r.values.localModeAllowed).toBe(true);
    expect(r.managed).toEqual({});
    expect(r.warnings).toEqual([expect.objectContaining({ code: 'policy_file_writable_by_others', layer: 'machine' })]);
    expect(r.warnings[0]?.message).toMatch(/writable by its group or by other users/);
  });

  it('refuses a folder that others can write (no sticky bit), but accepts a sticky ancestor like /tmp', async () => {
    writePolicy({ logLevel: 'warn' });
    chmodSync(etcDir, 0o775);
    expect(await refusal()).toBe('policy_file_folder_writable_by_others');
    chmodSync(etcDir, 0o755);
    chmodSync(root, 0o777);
    expect(await refusal()).toBe('policy_file_folder_writable_by_others');
    chmodSync(root, 0o1777);
    expect((await loadLinuxPolicyFile(policyFile, rules)).values).toEqual({ logLevel: 'warn' });
  });

  it('refuses a file or folder owned by another user', async () => {
    writePolicy({ logLevel: 'warn' });
    if (isRoot) {
      chownSync(policyFile, NOBODY, NOBODY);
      expect(await refusal()).toBe('policy_file_untrusted_owner');
      chownSync(policyFile, 0, 0);
      chownSync(etcDir, NOBODY, NOBODY);
      expect(await refusal()).toBe('policy_file_folder_untrusted_owner');
    } else {
      const stranger = { trustedUids: [0, uid + 1] };
      await expect(readTrustedFile(policyFile, stranger)).rejects.toMatchObject({ code: 'policy_file_folder_untrusted_owner' });
    }
  });

  it('refuses a symlink in place of the file (it could point at a user-writable file)', async () => {
    const elsewhere = join(root, 'elsewhere.json');
    writeFileSync(elsewhere, JSON.stringify({ logLevel: 'debug' }));
    chmodSync(elsewhere, 0o644);
    symlinkSync(elsewhere, policyFile);
    expect(await refusal()).toBe('policy_file_symlink');
  });

  it('follows a symlinked folder only to check the real folder chain', async () => {
    const real = join(root, 'real');
    mkdirSync(real, { mode: 0o777 });
    chmodSync(real, 0o777);
    writeFileSync(join(real, 'policies.json'), '{}');
    chmodSync(join(real, 'policies.json'), 0o644);
    const linked = join(root, 'linked');
    symlinkSync(real, linked);
    expect(await refusal(join(linked, 'policies.json'))).toBe('policy_file_folder_writable_by_others');
  });

  it('refuses a FIFO, a folder and an oversized file instead of hanging or reading them', async () => {
    execFileSync('mkfifo', ['-m', '0644', policyFile]);
    expect(await refusal()).toBe('policy_file_not_regular_file');
    rmSync(policyFile);
    mkdirSync(policyFile, { mode: 0o755 });
    expect(await refusal()).toBe('policy_file_not_regular_file');
    rmSync(policyFile, { recursive: true });
    writePolicy(' '.repeat(MAX_POLICY_FILE_BYTES + 1));
    expect(await refusal()).toBe('policy_file_too_large');
  });

  it('reports a file that is not one JSON object, and ignores it', async () => {
    for (const bad of ['{"logLevel": ', '[1,2]', '"warn"', 'null']) {
      writePolicy(bad);
      const r = await loadEffectivePolicy(facts());
      expect(r.warnings, bad).toEqual([expect.objectContaining({ code: 'policy_file_invalid', layer: 'machine' })]);
      expect(r.managed).toEqual({});
    }
  });

  it('puts the machine file above the user app config', async () => {
    writePolicy({ notificationContent: 'none' });
    const appConfigPath = join(root, 'config.json');
    writeFileSync(appConfigPath, JSON.stringify({ notificationContent: 'full', logLevel: 'debug', theme: 'dark' }));
    const r = await loadEffectivePolicy(facts({ appConfigPath }));
    expect(r.values.notificationContent).toBe('none');
    expect(r.values.logLevel).toBe('debug');
    expect(r.managed).toEqual({ notificationContent: 'machine' });
    expect(r.warnings).toEqual([]);
  });
});
