/** UI slice: which side panel or dialog is open (one at a time; Escape closes it). */
import type { StateCreator } from 'zustand';

export type Panel = 'none' | 'newConversation' | 'members' | 'security' | 'devices' | 'settings' | 'recovery';

export interface UiSlice {
  ui: { panel: Panel };
  openPanel(panel: Panel): void;
  closePanel(): void;
}

export function createUiSlice(): StateCreator<UiSlice, [], [], UiSlice> {
  return (set) => ({
    ui: { panel: 'none' },
    openPanel: (panel) => set({ ui: { panel } }),
    closePanel: () => set({ ui: { panel: 'none' } }),
  });
}

export const uiSelectors = {
  panel: (s: UiSlice) => s.ui.panel,
};
