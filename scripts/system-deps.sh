#!/usr/bin/env bash
# Installs the Debian packages the project needs, if any are missing:
#   libsecret-1-dev (keytar's native build), gnome-keyring + dbus (a real Secret Service for tests),
#   chromium (renderer tests and the browser mode), postgresql (the key service's second backend, tested).
# Needs root (or sudo) only when something is missing.
# On a machine without apt (macOS, Windows, other Linux) it installs nothing: it says what to install
# with that system's own tools and exits 0, so `npm start` goes on (tests: test/scripts/).
set -euo pipefail
PACKAGES=(libsecret-1-dev gnome-keyring dbus chromium postgresql python3 make g++)

if ! command -v apt-get >/dev/null 2>&1 || ! command -v dpkg-query >/dev/null 2>&1; then
  system=$(uname -s 2>/dev/null || echo unknown)
  echo "system-deps: no apt on this machine ($system), so nothing is installed automatically. Please install:"
  case "$system" in
    Darwin)
      echo "  brew install node@22 python postgresql@16 && brew install --cask chromium"
      echo "  (Xcode command line tools for native modules: xcode-select --install; the keychain is the macOS Keychain)" ;;
    MINGW* | MSYS* | CYGWIN* | Windows_NT)
      echo "  winget install OpenJS.NodeJS.LTS Python.Python.3.12 PostgreSQL.PostgreSQL.16 Hibbiki.Chromium"
      echo "  plus Visual Studio Build Tools with \"Desktop development with C++\" (native modules);"
      echo "  the keychain is the Windows Credential Manager" ;;
    *)
      if command -v dnf >/dev/null 2>&1; then
        echo "  sudo dnf install libsecret-devel gnome-keyring dbus-daemon chromium postgresql-server python3 make gcc-c++"
      elif command -v pacman >/dev/null 2>&1; then
        echo "  sudo pacman -S --needed libsecret gnome-keyring dbus chromium postgresql python make gcc"
      elif command -v zypper >/dev/null 2>&1; then
        echo "  sudo zypper install libsecret-devel gnome-keyring dbus-1 chromium postgresql-server python3 make gcc-c++"
      elif command -v apk >/dev/null 2>&1; then
        echo "  sudo apk add libsecret-dev gnome-keyring dbus chromium postgresql python3 make g++"
      else
        echo "  the equivalents of the Debian packages: ${PACKAGES[*]}"
      fi ;;
  esac
  echo "system-deps: Node.js 20.19 or newer is required; PostgreSQL only for its tests, Chromium only for browser mode and the UI tests."
  exit 0
fi

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
