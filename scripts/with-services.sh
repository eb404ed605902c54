#!/usr/bin/env bash
# Runs a command with the real services the tests talk to, all private to this run and torn down after:
#   - a private D-Bus session bus with an unlocked gnome-keyring (Secret Service) for keytar;
#   - a throw-away PostgreSQL cluster on a loopback port (exported as TEST_DATABASE_URL);
#   - moto's AWS server (`moto_server`: KMS and S3) on a loopback port (exported as TEST_MOTO_URL).
# Usage: scripts/with-services.sh <command> [args...]
# Set SEED_NO_POSTGRES=1 to skip PostgreSQL, SEED_NO_MOTO=1 to skip moto (tests that need one then fail
# with a clear message).
set -euo pipefail

if [ -z "${SEED_SERVICES_INNER:-}" ]; then
  command -v dbus-run-session >/dev/null || { echo "with-services: dbus-run-session missing (apt-get install dbus)" >&2; exit 1; }
  export SEED_SERVICES_INNER=1
  exec dbus-run-session -- bash "$0" "$@"
fi

cleanup() {
  if [ -n "${PG_DIR:-}" ] && [ -d "$PG_DIR" ]; then
    runuser -u postgres -- "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -m immediate stop >/dev/null 2>&1 || "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -m immediate stop >/dev/null 2>&1 || true
    rm -rf "$PG_DIR"
  fi
  [ -n "${KEYRING_PID:-}" ] && kill "$KEYRING_PID" 2>/dev/null || true
  [ -n "${MOTO_PID:-}" ] && kill "$MOTO_PID" 2>/dev/null || true
}
trap cleanup EXIT

# gnome-keyring: unlock a fresh login keyring with a throw-away password and start the secrets component.
export XDG_DATA_HOME; XDG_DATA_HOME=$(mktemp -d)
export XDG_RUNTIME_DIR; XDG_RUNTIME_DIR=$(mktemp -d); chmod 700 "$XDG_RUNTIME_DIR"
printf 'seed-test-keyring' | gnome-keyring-daemon --foreground --unlock --components=secrets >/dev/null 2>&1 &
KEYRING_PID=$!
for _ in $(seq 100); do [ -S "$XDG_RUNTIME_DIR/keyring/control" ] && break; sleep 0.05; done
GNOME_KEYRING_CONTROL="$XDG_RUNTIME_DIR/keyring"
export GNOME_KEYRING_CONTROL

# moto: started now, waited for after PostgreSQL (its Python start overlaps the cluster's).
if [ -z "${SEED_NO_MOTO:-}" ]; then
  command -v moto_server >/dev/null || { echo "with-services: moto_server missing (pip install 'moto[server]')" >&2; exit 1; }
  MOTO_PORT=$(node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')
  moto_server -H 127.0.0.1 -p "$MOTO_PORT" >/dev/null 2>&1 &
  MOTO_PID=$!
  export TEST_MOTO_URL="http://127.0.0.1:$MOTO_PORT"
fi

# PostgreSQL: a private cluster owned by the postgres user (the server refuses to run as root).
if [ -z "${SEED_NO_POSTGRES:-}" ]; then
  PG_BIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
  if [ -z "$PG_BIN" ]; then
    echo "with-services: PostgreSQL server missing (apt-get install postgresql)" >&2; exit 1
  fi
  PG_DIR=$(mktemp -d /tmp/seed-pg.XXXXXX)
  PG_PORT=$(node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')
  AS=()
  if [ "$(id -u)" = 0 ]; then chown postgres "$PG_DIR"; AS=(runuser -u postgres --); fi
  "${AS[@]}" "$PG_BIN/initdb" -D "$PG_DIR/data" -U seed --auth=trust -E UTF8 >/dev/null
  "${AS[@]}" "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -l "$PG_DIR/log" -w \
    -o "-c listen_addresses=127.0.0.1 -c port=$PG_PORT -c unix_socket_directories=$PG_DIR -c fsync=off -c max_connections=200" start >/dev/null
  export TEST_DATABASE_URL="postgres://seed@127.0.0.1:$PG_PORT/postgres"
fi

if [ -n "${MOTO_PID:-}" ]; then
  node -e 'const u = process.argv[1];
    (async () => {
      for (let i = 0; i < 300; i++) {
        try { await fetch(u); return; } catch { await new Promise((r) => setTimeout(r, 50)); }
      }
      console.error("with-services: moto_server did not start");
      process.exit(1);
    })();' "$TEST_MOTO_URL/moto-api/"
fi

"$@"
