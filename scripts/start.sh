#!/usr/bin/env bash
# `npm start`: installs what is missing, builds, and starts the app on its embedded local default.
# With the Electron binary present it runs the desktop app; without it (machines with no internet cannot
# download it) it says so and runs the same app in browser mode: main-side services in Node, UI in Chromium.
# Extra arguments go to the app, e.g. `npm start -- --profile bob`.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/system-deps.sh
bash scripts/npm-deps.sh
npm run --silent build

if [ -f node_modules/electron/path.txt ]; then
  exec npx electron-vite preview -- "$@"
fi

cat <<'MSG'
────────────────────────────────────────────────────────────────────────────────────────────
The Electron binary is not installed on this machine (electron's installer downloads it from the
internet, which this machine cannot reach), so the desktop window cannot open here.
Starting the app in BROWSER MODE instead: the same main-side services run in this Node process
(your keys stay in the OS keychain), and the UI is the same renderer, served on 127.0.0.1 only.
Open the URL printed below in Chromium (it carries a one-time session token). Ctrl-C stops it.
────────────────────────────────────────────────────────────────────────────────────────────
MSG
exec npx tsx src/main/webHost/cli.ts "$@"
