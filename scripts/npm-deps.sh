#!/usr/bin/env bash
# Installs the npm dependencies at the versions in package-lock.json, when node_modules is missing or
# older than the lockfile.
# - `npm install` rather than `npm ci`: the registry these machines reach lacks the other platforms'
#   optional native packages (e.g. @rollup/rollup-darwin-x64), so npm leaves them out of the lockfile and
#   `npm ci` then refuses the lock as "out of sync". `npm install` installs the locked versions all the same.
# - The Electron binary cannot be downloaded without internet, so its download is skipped;
#   scripts/start.sh falls back to browser mode when it is absent.
set -euo pipefail
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  ELECTRON_SKIP_BINARY_DOWNLOAD=1 npm install --no-audit --no-fund
fi
