#!/usr/bin/env bash
# Installs the Debian packages the project needs, if any are missing:
#   libsecret-1-dev (keytar's native build), gnome-keyring + dbus (a real Secret Service for tests),
#   chromium (renderer tests and the browser mode), postgresql (the key service's second backend, tested).
# Needs root (or sudo) only when something is missing.
set -euo pipefail
PACKAGES=(libsecret-1-dev gnome-keyring dbus chromium postgresql python3 make g++)
missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
echo "system-deps: installing ${missing[*]}"
SUDO=()
[ "$(id -u)" = 0 ] || SUDO=(sudo)
export DEBIAN_FRONTEND=noninteractive
"${SUDO[@]}" apt-get update -qq
"${SUDO[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
