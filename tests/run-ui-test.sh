#!/bin/sh
# Runs one UI test in a real X server (Xvfb) on a private session bus, with a private, unlocked
# gnome-keyring, so that it neither needs nor touches the developer's desktop.
#   run-ui-test.sh TEST-PROGRAM [ARGS...]
set -eu

tmp=$(mktemp -d "${TMPDIR:-/tmp}/deskwatch-ui.XXXXXX")
trap 'rm -rf "$tmp"' EXIT INT TERM
mkdir -p "$tmp/home" "$tmp/data" "$tmp/config" "$tmp/run"
chmod 700 "$tmp/run"

export HOME="$tmp/home" XDG_DATA_HOME="$tmp/data" XDG_CONFIG_HOME="$tmp/config"
export XDG_RUNTIME_DIR="$tmp/run"
export GSK_RENDERER=cairo GDK_BACKEND=x11 NO_AT_BRIDGE=1 GTK_A11Y=none

exec xvfb-run -a -s "-screen 0 1280x800x24" \
  dbus-run-session --config-file="$(dirname "$0")/dbus-session.conf" -- sh -c '
  # Unlock first: a locked keyring makes libsecret wait for a prompt that never comes.
  # G_DEBUG=fatal-warnings is for our programs: the keyring warns about things of its own
  # (replacing an item, for one) and must not die of it.
  printf "test" | env -u G_DEBUG gnome-keyring-daemon --unlock --components=secrets >/dev/null 2>&1 || true
  eval "$(env -u G_DEBUG gnome-keyring-daemon --start --components=secrets 2>/dev/null)" || true
  exec "$@"' sh "$@"
