#!/usr/bin/env bash
# Every integration test of this directory against the real build (`make check`, target
# test-integration): test_*.py through /usr/bin/python3 (Debian's python3-paho-mqtt),
# every other *.sh (test_*.sh, durability.sh, ...) with bash. Each script starts its own
# bridges on free ports with temporary stores. Exits non-zero if any script fails.
# Usage: run.sh [script...]   (default: all); XB_BUILD selects the build directory.
set -uo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
ROOT="$(cd "$HERE/../../.." && pwd)"
export XB_BUILD="${XB_BUILD:-$ROOT/build}"
export PYTHONDONTWRITEBYTECODE=1

for p in xbridge xbdemo; do
  [ -x "$XB_BUILD/$p" ] || { echo "integration: $XB_BUILD/$p is not built" >&2; exit 1; }
done
for t in mosquitto_sub mosquitto_pub; do
  command -v "$t" >/dev/null || { echo "integration: $t missing (apt install mosquitto-clients)" >&2; exit 1; }
done
/usr/bin/python3 -c 'import paho.mqtt.client' 2>/dev/null ||
  { echo "integration: python3-paho-mqtt missing for /usr/bin/python3" >&2; exit 1; }

if [ $# -gt 0 ]; then
  scripts=("$@")
else
  scripts=()
  for f in "$HERE"/*.py "$HERE"/*.sh; do
    b=$(basename "$f")
    case "$b" in run.sh | xbtest.py | lib*.sh | _*) continue ;; esac
    [ -f "$f" ] && scripts+=("$f")
  done
fi

failed=()
start=$SECONDS
for s in "${scripts[@]}"; do
  [ -f "$s" ] || s="$HERE/$s"
  name=$(basename "$s")
  echo "== $name"
  t0=$SECONDS
  case "$name" in
    *.py) (cd "$HERE" && timeout 300 /usr/bin/python3 "$s") ;;
    *) timeout 300 bash "$s" ;;
  esac
  rc=$?
  [ $rc -eq 0 ] || failed+=("$name (status $rc)")
  echo "   $name: $([ $rc -eq 0 ] && echo passed || echo FAILED) in $((SECONDS - t0))s"
done
echo "integration: ${#scripts[@]} scripts, ${#failed[@]} failed, $((SECONDS - start))s"
for f in "${failed[@]}"; do echo "  FAILED: $f"; done
[ ${#failed[@]} -eq 0 ]
