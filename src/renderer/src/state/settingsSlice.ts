/**
 * Settings slice (theme light/dark/system, notifications, read receipts; managed settings are locked with the policy's
 * label, docs/deployment.md §2). The theme applies at once, and stays applied for this session when main
 * cannot store it (the failure is shown). Any other refused change is undone. A setting IT manages cannot
 * be changed here, and main refuses it as well.
 */
import type { StateCreator } from 'zustand';
import type { BridgeClient } from '../bridge/client';
import type { Settings } from '../../../common/ipc/schemas/verification';
import { settingLock, type PolicyView, type SettingLock } from '../../../common/policy/view';
import { resolveTheme } from '../model/theme';
import { toUiError, type UiError } from '../model/uiError';

export const defaultSettings: Settings = { theme: 'system', notifications: 'sender-only', readReceipts: true };

export interface SettingsSlice {
  settings: {
    values: Settings;
    loaded: boolean;
    policy: PolicyView | null;
    systemDark: boolean;
    error: UiError | null;
  };
  loadSettings(): Promise<void>;
  updateSettings(change: Partial<Settings>): Promise<void>;
  setSystemDark(dark: boolean): void;
}

export class ManagedSettingError extends Error {
  readonly code = 'policy_setting_managed';
  constructor(label: string) {
    super(label);
    this.name = 'ManagedSettingError';
  }
}

export function createSettingsSlice(bridge: BridgeClient): StateCreator<SettingsSlice, [], [], SettingsSlice> {
  return (set, get) => {
    const patch = (p: Partial<SettingsSlice['settings']>) => set((s) => ({ settings: { ...s.settings, ...p } }));
    return {
      settings: { values: defaultSettings, loaded: false, policy: null, systemDark: false, error: null },
      async loadSettings() {
        const [policy, values] = await Promise.allSettled([bridge.policy(), bridge.getSettings()]);
        patch({
          policy: policy.status === 'fulfilled' ? policy.value : get().settings.policy,
          values: values.status === 'fulfilled' ? values.value : get().settings.values,
          loaded: values.status === 'fulfilled',
          error: values.status === 'rejected' ? toUiError(values.reason) : policy.status === 'rejected' ? toUiError(policy.reason) : null,
        });
      },
      async updateSettings(change) {
        const lock = settingsSelectors.notificationsLock(get());
        if (change.notifications !== undefined && lock.locked) {
          patch({ error: toUiError(new ManagedSettingError(lock.label ?? 'managed')) });
          return;
        }
        const before = get().settings.values;
        patch({ values: { ...before, ...change }, error: null });
        try {
          patch({ values: await bridge.setSettings(change), loaded: true });
        } catch (e) {
          patch({ values: change.theme === undefined ? before : { ...before, theme: change.theme }, error: toUiError(e) });
        }
      },
      setSystemDark: (systemDark) => patch({ systemDark }),
    };
  };
}

const unlocked: SettingLock = { locked: false, source: null, label: null };

/** The lock of the notifications setting under a policy (none without one). */
export function notificationsLockOf(policy: PolicyView | null): SettingLock {
  return policy ? settingLock(policy, 'notificationContent') : unlocked;
}

export const settingsSelectors = {
  values: (s: SettingsSlice) => s.settings.values,
  error: (s: SettingsSlice) => s.settings.error,
  policy: (s: SettingsSlice) => s.settings.policy,
  themeClass: (s: SettingsSlice) => resolveTheme(s.settings.values.theme, s.settings.systemDark),
  notificationsLock: (s: SettingsSlice): SettingLock => notificationsLockOf(s.settings.policy),
  /** What notifications show: the managed value when IT sets it, else the user's choice. */
  effectiveNotifications: (s: SettingsSlice): Settings['notifications'] =>
    s.settings.policy?.managed.notificationContent !== undefined ? s.settings.policy.values.notificationContent : s.settings.values.notifications,
  requireVerifiedContacts: (s: SettingsSlice) => s.settings.policy?.values.requireVerifiedContacts ?? false,
  /** Whether read receipts are sent (and others' shown): on unless the user turned them off. */
  readReceipts: (s: SettingsSlice) => s.settings.values.readReceipts !== false,
};
