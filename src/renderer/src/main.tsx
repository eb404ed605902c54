/** Renderer entry: builds the store over the window bridge and mounts the app. */
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App';
import { windowBridge } from './bridge/client';
import { createAppStore } from './state/store';
import './styles.css';

const root = document.getElementById('root');
if (root) {
  createRoot(root).render(
    <StrictMode>
      <App store={createAppStore(windowBridge())} />
    </StrictMode>,
  );
}
