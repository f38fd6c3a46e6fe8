#!/bin/sh
# Checks the Flatpak manifest offline (the GNOME runtime cannot be downloaded here):
# flatpak-builder must read it without a complaint, and the sandbox must be what the console
# needs and no more.
#   check-manifest.sh MANIFEST
set -eu
manifest=$1
err=$(mktemp)
trap 'rm -f "$err"' EXIT

if ! flatpak-builder --show-manifest "$manifest" >/dev/null 2>"$err"; then
  cat "$err" >&2
  echo "flatpak-builder cannot read $manifest" >&2
  exit 1
fi
# Unknown keys are only warnings: treat anything on stderr as a failure.
if [ -s "$err" ]; then
  cat "$err" >&2
  echo "flatpak-builder complained about $manifest" >&2
  exit 1
fi

fail=0
need() {
  if ! grep -q -- "$1" "$manifest"; then
    echo "missing: $1 ($2)" >&2
    fail=1
  fi
}
need '"--share=network"' 'the console talks to the ticket service'
need '"--socket=wayland"' 'Wayland first'
need '"--socket=fallback-x11"' 'X11 only where there is no Wayland'
need '"command": "deskwatch"' 'the console is the command'
need '"name": "deskwatch"' 'the project itself, console and deskwatchd (for the demo)'
# libsecret uses the Secret portal inside the sandbox: no hole to the keyring daemon.
if grep -q 'org.freedesktop.secrets' "$manifest"; then
  echo "the manifest talks to org.freedesktop.secrets directly; use the Secret portal" >&2
  fail=1
fi
if grep -q -- '--socket=x11"' "$manifest"; then
  echo "--socket=x11 forces X11; use --socket=fallback-x11" >&2
  fail=1
fi
exit $fail
