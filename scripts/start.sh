#!/usr/bin/env bash
# `npm start`: installs what is missing, builds, and starts the app on its embedded local default.
# With the Electron binary present it runs the desktop app. Without it (scripts/npm-deps.sh tries to
# download it and says why it could not, e.g. no internet) it says so and runs the same app in browser
# mode: main-side services in Node, UI in a browser, reached through a single-use link that is never put
# on a command line (docs/desktop.md §Browser mode).
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
The desktop window is unavailable: the Electron binary is not installed (its download failed or
was skipped, see above).
Starting the app in BROWSER MODE instead: the same main-side services run in this Node process
(your keys stay in the OS keychain), and the UI is the same renderer, served on 127.0.0.1 only.
Open the file or the single-use link printed below in your browser; the link works once, for one
browser session. Ctrl-C stops it.
────────────────────────────────────────────────────────────────────────────────────────────
MSG
exec npx tsx src/main/webHost/cli.ts --open "$@"
