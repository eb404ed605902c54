/** The machine and software a run was on, for the report header and for comparing runs. */
import { execFileSync } from 'node:child_process';
import os from 'node:os';
import type { MachineInfo } from './types';

function gitCommit(): string {
  try {
    const sha = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { encoding: 'utf8' }).trim();
    const dirty = execFileSync('git', ['status', '--porcelain', '--untracked-files=no'], { encoding: 'utf8' }).trim() !== '';
    return dirty ? `${sha} (working tree has uncommitted changes)` : sha;
  } catch {
    return 'unknown';
  }
}

/** Machine facts; `loadAtStart` is the 1-minute load average read when the run began. */
export function machineInfo(loadAtStart: number): MachineInfo {
  const cpus = os.cpus();
  return {
    cpuModel: cpus[0]?.model.trim() ?? 'unknown CPU',
    cores: os.availableParallelism(),
    memoryGiB: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
    node: process.versions.node,
    openssl: process.versions.openssl ?? 'unknown',
    platform: `${os.type()} ${os.release()} ${os.arch()}`,
    gitCommit: gitCommit(),
    loadAverage: { start: loadAtStart, end: os.loadavg()[0] ?? 0 },
  };
}
