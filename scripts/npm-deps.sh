#!/usr/bin/env bash
# Installs the npm dependencies exactly as locked, when node_modules is missing or older than the lockfile.
# The Electron binary cannot be downloaded on machines without internet, so its download is skipped;
# scripts/start.sh falls back to the browser mode when it is absent.
set -euo pipefail
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  ELECTRON_SKIP_BINARY_DOWNLOAD=1 npm ci --no-audit --no-fund
fi
