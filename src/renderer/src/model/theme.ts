/** Theme resolution (the user's setting: light / dark / system): the class applied on <html>. */
import type { Settings } from '../../../common/ipc/schemas/verification';

export type ThemeClass = 'theme-light' | 'theme-dark';

export function resolveTheme(setting: Settings['theme'], systemPrefersDark: boolean): ThemeClass {
  switch (setting) {
    case 'light':
      return 'theme-light';
    case 'dark':
      return 'theme-dark';
    case 'system':
      return systemPrefersDark ? 'theme-dark' : 'theme-light';
    default:
      throw new Error(`unknown theme ${JSON.stringify(setting satisfies never)}`);
  }
}

/** Puts exactly one theme class on the element (the document root). */
export function applyThemeClass(root: { classList: Pick<DOMTokenList, 'add' | 'remove'> }, theme: ThemeClass): void {
  root.classList.remove('theme-light', 'theme-dark');
  root.classList.add(theme);
}
