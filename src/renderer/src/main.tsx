/**
 * Renderer entry: builds the store over the window bridge and its events, with the real messaging
 * pipeline (pubnub browser SDK, crypto over the bridge) loaded and started after sign-in, and mounts the app.
 */
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App';
import { windowBridge, windowEvents } from './bridge/client';
import type { StoreEnv } from './state/env';
import { createAppStore } from './state/store';
import './styles.css';
import './feedback.css';

const bridge = windowBridge();
const events = windowEvents();
const env: StoreEnv = {
  events,
  now: () => Date.now(),
  isActive: () => document.visibilityState === 'visible' && document.hasFocus(),
  // The pubnub SDK is a third of the bundle: loaded after sign-in, so the first paint does not wait for it.
  startChat: async (self) => {
    const { startRendererMessaging } = await import('./chat/rendererMessaging');
    return (await startRendererMessaging({ bridge, events, self, storage: window.localStorage })).port;
  },
  desktop: bridge,
  // Browser mode's "save": bytes main verified first, offered as a download under the file's name.
  offerDownload: (fileName, parts) => {
    const url = URL.createObjectURL(new Blob(parts as readonly BlobPart[] as BlobPart[], { type: 'application/octet-stream' }));
    const a = document.createElement('a');
    a.href = url;
    a.download = fileName;
    a.click();
    setTimeout(() => URL.revokeObjectURL(url), 60_000);
  },
};

const root = document.getElementById('root');
if (root) {
  createRoot(root).render(
    <StrictMode>
      <App store={createAppStore(bridge, env)} env={env} />
    </StrictMode>,
  );
}
