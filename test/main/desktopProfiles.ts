/**
 * Desktop profiles for the handler scenarios: each is one app profile bootstrapped like the Electron entry
 * (real keychain, client core, embedded local stack shared through one SEED home), with the contract
 * dispatcher as its `call` and the events main emitted to it.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bootstrapMain } from '../../src/main/bootstrap';
import { createHandlers, type MainDeps } from '../../src/main/composition';
import { createDispatcher } from '../../src/main/ipc/dispatch';
import type { EventMessage } from '../../src/main/ipc/eventHub';

export const desktopFacts = { name: 'Seed Messenger', version: '0.1.0', platform: 'linux', runtime: 'node' as const, runtimeVersion: '20' };

export interface DesktopProfile {
  deps: MainDeps;
  /** Calls a contract method; a typed refusal is thrown as an Error carrying its `code`. */
  call: (channel: string, ...args: unknown[]) => Promise<unknown>;
  events: EventMessage[];
}

export interface DesktopProfiles {
  readonly home: string;
  /** Random per run, appended to profile and user names. */
  readonly suffix: string;
  /** `extra` replaces parts of the bootstrapped deps (e.g. a mock native confirmation, a fixed policy). */
  profile(name: string, extra?: Partial<MainDeps>): Promise<DesktopProfile>;
  /** Closes every profile's core (and with the last one, the embedded stack). */
  closeAll(): Promise<void>;
}

export function desktopProfiles(prefix: string): DesktopProfiles {
  const home = mkdtempSync(join(tmpdir(), `${prefix}-`));
  const suffix = randomBytes(3).toString('hex');
  const opened: DesktopProfile[] = [];
  return {
    home,
    suffix,
    async profile(name, extra = {}) {
      const deps = { ...(await bootstrapMain({ facts: desktopFacts, home, profile: `${name}-${suffix}`, network: 'app' })), ...extra };
      const dispatch = createDispatcher(createHandlers(deps), (e) => console.error(e));
      const events: EventMessage[] = [];
      deps.events.attach((m) => events.push(m));
      const call = async (channel: string, ...args: unknown[]) => {
        const r = await dispatch(channel, args);
        if (!r.ok) throw Object.assign(new Error(r.error.message), { code: r.error.code });
        return r.value;
      };
      const p = { deps, call, events };
      opened.push(p);
      return p;
    },
    async closeAll() {
      for (const p of opened.splice(0).reverse()) if ('close' in p.deps.messenger) await p.deps.messenger.close();
    },
  };
}
