#!/usr/bin/env bash
# `npm test`: lint, the formatting check (prettier), typecheck, build, then every test — Node-side (vitest) and Chromium (Playwright) —
# the crypto and scenario tests a second time with the node:crypto provider forced (the default is libsodium) —
# inside a private D-Bus + gnome-keyring session and a throw-away PostgreSQL (scripts/with-services.sh).
# Ends with each runner's summary and one total line.
set -uo pipefail
cd "$(dirname "$0")/.."
bash scripts/npm-deps.sh || exit 1
rm -rf .tmp/test-reports test-results && mkdir -p .tmp/test-reports

status=0
step() { echo "── $1"; shift; "$@" || status=1; }
step "lint" npm run --silent lint
step "format" npm run --silent format:check
step "typecheck" npm run --silent typecheck
step "build" npm run --silent build
step "vitest + playwright" bash scripts/with-services.sh bash -c '
  rc=0
  npx vitest run --reporter=default --reporter=json --outputFile.json=.tmp/test-reports/vitest.json || rc=1
  SEED_CRYPTO_PROVIDER=node npx vitest run test/crypto test/client test/messaging \
    --reporter=dot --reporter=json --outputFile.json=.tmp/test-reports/vitest-node-provider.json || rc=1
  npx playwright test || rc=1
  exit $rc'
node scripts/test-summary.mjs || status=1
exit $status
