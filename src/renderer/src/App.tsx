/** Root container: binds the store to the presentational components. */
import { useEffect } from 'react';
import { useStore } from 'zustand';
import type { AppStore } from './state/store';
import { systemSelectors } from './state/systemSlice';
import { SystemStatus } from './components/SystemStatus';

export function App({ store }: { store: AppStore }) {
  const status = useStore(store, systemSelectors.status);
  const info = useStore(store, systemSelectors.info);
  const keychain = useStore(store, systemSelectors.keychain);
  const error = useStore(store, systemSelectors.error);
  useEffect(() => {
    void store.getState().loadSystem();
  }, [store]);
  return (
    <main className="app">
      <h1>Seed Messenger</h1>
      <SystemStatus status={status} info={info} keychain={keychain} error={error} />
    </main>
  );
}
