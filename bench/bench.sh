#!/usr/bin/env bash
# `npm run bench` (docs/benchmarks.md): runs bench/run.ts with PostgreSQL for the key-service section.
# With TEST_DATABASE_URL set it uses that server; otherwise it starts a private throw-away cluster (and a
# private D-Bus/keyring, unused here) through scripts/with-services.sh. Arguments go to bench/run.ts
# (--quick, --only <ids>, --name <file name>, --out <dir>). The whole run is bounded: every section has
# its own time limit, and this wrapper kills the run after BENCH_TIMEOUT seconds (default 1500).
set -euo pipefail
cd "$(dirname "$0")/.."
run=(timeout --kill-after=10 "${BENCH_TIMEOUT:-1500}" node_modules/.bin/tsx bench/run.ts "$@")
if [ -n "${TEST_DATABASE_URL:-}" ]; then
  exec "${run[@]}"
fi
exec bash scripts/with-services.sh "${run[@]}"
