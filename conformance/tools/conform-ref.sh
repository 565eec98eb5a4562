#!/usr/bin/env bash
# Run xbconform against the reference bridge: fresh store and fixture
# (ref-fixture.sh), build/xbridge on a free loopback port, the suite, then the bridge is
# stopped with SIGTERM and must exit with status 0 (spec/scope.md).
# The bridge also serves TLS (issue #7) on a second free port, with a self-signed
# certificate made for the run by the openssl command; xbconform gets --tls-port and
# --cafile, so the tls area runs. CONFORM_TLS=0 leaves TLS out.
#
#   conformance/tools/conform-ref.sh [xbconform options...]
#
# CONFORM_RUNS=n runs the suite n times in a row against the same bridge (the tests
# leave the bridge as they found it). XB_BUILD selects the build directory. The store,
# fixture and bridge log are kept (path printed) when something fails.
set -uo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
XB_BUILD="${XB_BUILD:-$ROOT/build}"
export XB_BUILD
runs="${CONFORM_RUNS:-1}"

for p in xbridge xbadmin xbconform; do
  [ -x "$XB_BUILD/$p" ] || { echo "conform-ref: $XB_BUILD/$p is not built" >&2; exit 2; }
done

tmp=$(mktemp -d /tmp/xbconform-ref.XXXXXX)
db=$tmp/store.db
fx=$tmp/fixture
log=$tmp/bridge.log
pid=

stop_bridge() {
  [ -n "$pid" ] || return 0
  kill -TERM "$pid" 2>/dev/null
  local i
  for i in $(seq 1 100); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  if kill -0 "$pid" 2>/dev/null; then
    echo "conform-ref: the bridge did not stop within 10 s of SIGTERM; killing it" >&2
    kill -KILL "$pid" 2>/dev/null
  fi
  wait "$pid"
  local st=$?
  pid=
  return $st
}
trap 'stop_bridge >/dev/null 2>&1; exit 130' INT TERM

"$ROOT/conformance/tools/ref-fixture.sh" "$db" "$fx" >/dev/null || { echo "conform-ref: provisioning failed (kept $tmp)" >&2; exit 2; }

tls_args=()
tls_bridge=()
if [ "${CONFORM_TLS:-1}" != 0 ]; then
  command -v openssl >/dev/null || { echo "conform-ref: the openssl command is missing (CONFORM_TLS=0 skips TLS)" >&2; exit 2; }
  openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 \
    -subj /CN=localhost -addext subjectAltName=IP:127.0.0.1,DNS:localhost \
    -keyout "$tmp/key.pem" -out "$tmp/cert.pem" >/dev/null 2>&1 ||
    { echo "conform-ref: cannot make a test certificate (kept $tmp)" >&2; exit 2; }
  tls_bridge=(--listen-tls 127.0.0.1:0 --tls-cert "$tmp/cert.pem" --tls-key "$tmp/key.pem")
fi

"$XB_BUILD/xbridge" --db "$db" --listen 127.0.0.1:0 "${tls_bridge[@]}" 2>"$log" &
pid=$!
port=
tls_port=
for i in $(seq 1 200); do
  port=$(grep -v 'transport=tls' "$log" | sed -n 's/.* listening addr=127\.0\.0\.1 port=\([0-9][0-9]*\).*/\1/p' | head -1)
  tls_port=$(sed -n 's/.* listening addr=127\.0\.0\.1 port=\([0-9][0-9]*\) transport=tls.*/\1/p' "$log" | head -1)
  [ -n "$port" ] && { [ ${#tls_bridge[@]} -eq 0 ] || [ -n "$tls_port" ]; } && break
  if ! kill -0 "$pid" 2>/dev/null; then
    echo "conform-ref: the bridge exited at startup; log $log:" >&2
    tail -20 "$log" >&2
    exit 2
  fi
  sleep 0.05
done
if [ -z "$port" ]; then
  echo "conform-ref: no 'listening' line from the bridge within 10 s (kept $tmp)" >&2
  stop_bridge
  exit 2
fi
echo "conform-ref: reference bridge pid $pid on 127.0.0.1:$port${tls_port:+ (TLS on $tls_port)}, store $db" >&2
[ -n "$tls_port" ] && tls_args=(--tls-port "$tls_port" --cafile "$tmp/cert.pem")

rc=0
for run in $(seq 1 "$runs"); do
  [ "$runs" -gt 1 ] && echo "conform-ref: run $run of $runs" >&2
  "$XB_BUILD/xbconform" --host 127.0.0.1 --port "$port" --fixture "$fx" "${tls_args[@]}" "$@"
  st=$?
  [ $st -eq 0 ] || rc=$st
done

stop_bridge
bst=$?
if [ $bst -ne 0 ]; then
  echo "conform-ref: the bridge exited with status $bst after SIGTERM (expected 0)" >&2
  [ $rc -eq 0 ] && rc=1
fi
if [ $rc -eq 0 ]; then
  rm -rf "$tmp"
else
  echo "conform-ref: kept store, fixture and bridge log in $tmp" >&2
fi
exit $rc
