import { resolve } from 'node:path';
import { defineConfig } from 'electron-vite';

// Builds without the Electron binary. main: Node (dependencies stay external, native modules included);
// preload: one self-contained bundle (a sandboxed preload can require only 'electron');
// renderer: the React app, with no Node polyfills.
export default defineConfig({
  main: {
    build: {
      rollupOptions: { input: { index: resolve(__dirname, 'src/main/electron/main.ts') } },
    },
  },
  preload: {
    build: {
      externalizeDeps: false,
      rollupOptions: { input: { index: resolve(__dirname, 'src/preload/index.ts') }, external: ['electron'] },
    },
  },
  renderer: {
    root: resolve(__dirname, 'src/renderer'),
    build: {
      minify: true,
      rollupOptions: { input: resolve(__dirname, 'src/renderer/index.html') },
    },
  },
});
