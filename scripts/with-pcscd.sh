#!/usr/bin/env bash
# Run a command with pcscd (and its vpcd virtual readers) up, then stop pcscd again if we
# started it. For trying the PC/SC side by hand, e.g.:
#   scripts/with-pcscd.sh .venv/bin/counter-app devices
# The test suite does not need this: tests/pcsc/conftest.py starts and stops pcscd itself.
set -euo pipefail
[ $# -gt 0 ] || { echo "usage: $0 COMMAND [ARGS...]" >&2; exit 2; }
PCSCD=$(command -v pcscd || echo /usr/sbin/pcscd)
[ -x "$PCSCD" ] || { echo "pcscd is not installed (scripts/system-deps.sh)" >&2; exit 1; }
started=""
if [ ! -S /run/pcscd/pcscd.comm ]; then
  "$PCSCD" -f >/dev/null 2>&1 &
  started=$!
  for _ in $(seq 50); do [ -S /run/pcscd/pcscd.comm ] && break; sleep 0.1; done
fi
status=0
"$@" || status=$?
if [ -n "$started" ]; then
  kill "$started" 2>/dev/null || true
  wait "$started" 2>/dev/null || true
fi
exit $status
