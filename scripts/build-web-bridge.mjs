// Bundles src/preload/webBridge.ts (the web host's stand-in for the preload) into out/web/bridge.js.
import { build } from 'esbuild';

await build({
  entryPoints: ['src/preload/webBridge.ts'],
  outfile: 'out/web/bridge.js',
  bundle: true,
  format: 'iife',
  platform: 'browser',
  target: 'es2022',
  minify: true,
  logLevel: 'warning',
});
console.log('built out/web/bridge.js');
