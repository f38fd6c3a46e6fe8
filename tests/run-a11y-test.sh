#!/bin/sh
# Runs the real console on the demo desk under Xvfb with an accessibility bus, and checks its
# accessibility tree with check-a11y.py.
#   run-a11y-test.sh DESKWATCH CHECK-A11Y.PY     (DESKWATCHD, GSETTINGS_SCHEMA_DIR from the test)
set -eu

tmp=$(mktemp -d "${TMPDIR:-/tmp}/deskwatch-a11y.XXXXXX")
trap 'rm -rf "$tmp"' EXIT INT TERM
mkdir -p "$tmp/home" "$tmp/data" "$tmp/config" "$tmp/run"
chmod 700 "$tmp/run"

export HOME="$tmp/home" XDG_DATA_HOME="$tmp/data" XDG_CONFIG_HOME="$tmp/config"
export XDG_RUNTIME_DIR="$tmp/run"
export GSK_RENDERER=cairo GDK_BACKEND=x11
unset GTK_A11Y NO_AT_BRIDGE
# No notification server here: the demo's first alerts warn that they cannot be shown, which is
# not what this test is about, so warnings stay non-fatal; a CRITICAL kills the console
# (G_DEBUG=fatal-criticals from the test's environment) and fails it (below).  Only the
# console gets it: the accessibility bus and the checker are not under test.
export DW_CONSOLE_G_DEBUG="${G_DEBUG:-gc-friendly,fatal-criticals}"
unset G_DEBUG
# The demo service the console starts still dies of a warning, as under every other test.
if [ -n "${DW_TEST_DESKWATCHD_G_DEBUG:-}" ] && [ -n "${DESKWATCHD:-}" ]; then
  printf '#!/bin/sh\nG_DEBUG="%s" exec "%s" "$@"\n' "$DW_TEST_DESKWATCHD_G_DEBUG" "$DESKWATCHD" \
    >"$tmp/deskwatchd"
  chmod +x "$tmp/deskwatchd"
  export DESKWATCHD="$tmp/deskwatchd"
fi

exec xvfb-run -a -s "-screen 0 1280x800x24" \
  dbus-run-session --config-file="$(dirname "$0")/dbus-session.conf" -- sh -c '
  /usr/libexec/at-spi-bus-launcher --launch-immediately >/dev/null 2>&1 &
  sleep 1
  G_DEBUG="$DW_CONSOLE_G_DEBUG" "$1" --demo >/dev/null 2>"$3" &
  console=$!
  status=0
  /usr/bin/python3 "$2" || status=$?
  kill $console 2>/dev/null
  wait $console 2>/dev/null || true
  if grep -E "CRITICAL|ERROR" "$3"; then
    echo "# the console logged the above"
    status=1
  fi
  exit $status' sh "$@" "$tmp/console.log"
