/**
 * Root container: provides the store, applies the theme class on <html> (following the system's
 * preference when the theme is "system"), counts unread messages in the window title, and shows
 * onboarding or the messenger, the open panel, and the installation status. When the app core cannot be
 * reached at all, that is the one thing shown. Coming back online or to the foreground catches the
 * conversations up (docs/messaging.md §Receiving).
 */
import { useEffect, useLayoutEffect } from 'react';
import { useStore } from 'zustand';
import { SystemStatus } from './components/SystemStatus';
import { MessengerContainer } from './containers/MessengerContainer';
import { OnboardingContainer } from './containers/OnboardingContainer';
import { PanelsContainer } from './containers/PanelsContainer';
import { StoreContext } from './containers/storeContext';
import { FIRST_PAINT_MAX_MS, firstViewReady, removeFirstPaint } from './model/firstPaint';
import { applyThemeClass } from './model/theme';
import { prefsSelectors } from './state/prefsSlice';
import type { StoreEnv } from './state/env';
import { connectApp } from './state/lifecycle';
import { sessionSelectors } from './state/sessionSlice';
import { settingsSelectors } from './state/settingsSlice';
import type { AppStore } from './state/store';
import { systemSelectors } from './state/systemSlice';

export function App({ store, env }: { store: AppStore; env: StoreEnv }) {
  const status = useStore(store, systemSelectors.status);
  const info = useStore(store, systemSelectors.info);
  const keychain = useStore(store, systemSelectors.keychain);
  const error = useStore(store, systemSelectors.error);
  const signedIn = useStore(store, sessionSelectors.signedIn);
  const sessionUnknown = useStore(store, (s) => s.session.current === null && s.session.status !== 'error');
  const themeClass = useStore(store, settingsSelectors.themeClass);
  const unread = useStore(store, prefsSelectors.badgeUnread);
  const firstView = useStore(store, firstViewReady);

  useEffect(() => connectApp(store, env), [store, env]);
  // Main's first paint of the kept list goes in the frame this view replaces it (model/firstPaint.ts).
  useLayoutEffect(() => {
    if (firstView) removeFirstPaint(document);
  }, [firstView]);
  useEffect(() => {
    const timer = setTimeout(() => removeFirstPaint(document), FIRST_PAINT_MAX_MS);
    return () => clearTimeout(timer);
  }, []);
  useEffect(() => applyThemeClass(document.documentElement, themeClass), [themeClass]);
  useEffect(() => {
    document.title = unread > 0 ? `(${unread}) Seed Messenger` : 'Seed Messenger';
  }, [unread]);
  useEffect(() => {
    const catchUp = () => {
      if (document.visibilityState !== 'visible' || !sessionSelectors.signedIn(store.getState())) return;
      void store.getState().loadConversations();
      if (store.getState().chat.status === 'on') void store.getState().catchUp();
    };
    window.addEventListener('online', catchUp);
    document.addEventListener('visibilitychange', catchUp);
    return () => {
      window.removeEventListener('online', catchUp);
      document.removeEventListener('visibilitychange', catchUp);
    };
  }, [store]);
  useEffect(() => {
    const query = window.matchMedia('(prefers-color-scheme: dark)');
    const follow = () => store.getState().setSystemDark(query.matches);
    follow();
    query.addEventListener('change', follow);
    return () => query.removeEventListener('change', follow);
  }, [store]);

  return (
    <StoreContext value={store}>
      <div className="app">
        {status === 'error' ? null : signedIn ? (
          <MessengerContainer />
        ) : sessionUnknown ? (
          // Until main answers the session (a few ms), nothing heavy: the first paint of a signed-in start is
          // the conversation list, not the sign-in form mounted and torn down again (docs/desktop.md "Start").
          <main className="app-main" aria-busy="true" />
        ) : (
          <main className="app-main">
            <OnboardingContainer />
          </main>
        )}
        <PanelsContainer />
        <footer className="app-footer">
          <SystemStatus status={status} info={info} keychain={keychain} error={error} />
        </footer>
      </div>
    </StoreContext>
  );
}
