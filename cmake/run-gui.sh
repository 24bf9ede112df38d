#!/usr/bin/env bash
# Starts the GUI; explains what to do on a machine without a display.
set -euo pipefail
exe="$1"; shift
if [ -z "${DISPLAY:-}" ] && [ -z "${WAYLAND_DISPLAY:-}" ] && [ -z "${QT_QPA_PLATFORM:-}" ]; then
  echo "No display found (DISPLAY and WAYLAND_DISPLAY are unset)." >&2
  echo "Run it under a virtual display:   xvfb-run -a make run" >&2
  echo "or render without one:            QT_QPA_PLATFORM=offscreen $exe --screenshot window.png $*" >&2
  exit 1
fi
exec "$exe" "$@"
