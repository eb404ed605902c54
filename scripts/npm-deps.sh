#!/usr/bin/env bash
# Installs the npm dependencies at the versions in package-lock.json, when node_modules is missing or
# older than the lockfile, then makes sure the Electron binary is there for the desktop window.
# - `npm install` rather than `npm ci`: the registry these machines reach lacks the other platforms'
#   optional native packages (e.g. @rollup/rollup-darwin-x64), so npm leaves them out of the lockfile and
#   `npm ci` then refuses the lock as "out of sync". `npm install` installs the locked versions all the same.
# - The Electron binary is fetched by electron's own installer (node_modules/electron/install.js, from
#   GitHub releases; this Electron has no postinstall, so `npm install` never fails on it). It is tried
#   whenever the binary is missing, as a separate step whose failure is reported, not fatal: without
#   internet it fails in about a second, this script says so plainly, and scripts/start.sh then runs
#   browser mode. Set ELECTRON_SKIP_BINARY_DOWNLOAD=1 yourself to skip the attempt.
set -euo pipefail
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm install --no-audit --no-fund
fi

[ -f node_modules/electron/install.js ] || exit 0
if [ -f node_modules/electron/path.txt ]; then exit 0; fi
if [ "${ELECTRON_SKIP_BINARY_DOWNLOAD:-}" = 1 ]; then
  echo "npm-deps: Electron binary download skipped (ELECTRON_SKIP_BINARY_DOWNLOAD=1): the desktop window is unavailable; npm start uses browser mode."
  exit 0
fi
echo "npm-deps: downloading the Electron binary (for the desktop window)…"
log=$(mktemp)
trap 'rm -f "$log"' EXIT
# Bounded: a network that stalls instead of refusing must not hold up the start (or CI) for long.
bounded=(); command -v timeout >/dev/null && bounded=(timeout 600) # coreutils; macOS has none by default
rc=0
${bounded[@]+"${bounded[@]}"} node node_modules/electron/install.js >"$log" 2>&1 || rc=$?
if [ "$rc" = 0 ] && [ -f node_modules/electron/path.txt ]; then
  echo "npm-deps: Electron binary installed: npm start opens the desktop window."
else
  reason=$(grep -m1 -E 'Error|ENOTFOUND|ECONNREFUSED|EAI_AGAIN|fetch failed' "$log" | cut -c1-200 || true)
  [ "$rc" != 124 ] || reason="no answer within 600 s"
  [ -n "$reason" ] || reason=$(tail -n1 "$log" | cut -c1-200)
  echo "npm-deps: the Electron binary could not be downloaded${reason:+ (${reason})}."
  echo "npm-deps: the desktop window is unavailable on this machine; npm start uses browser mode instead (tried again on the next npm start)."
fi
