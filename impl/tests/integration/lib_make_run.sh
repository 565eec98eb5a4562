# lib_make_run.sh — sourced by test_make_run.sh and test_tls_make_run.sh, which run
# `make run` (tools/run.sh) on a temporary directory and free ports: the setup and the
# helpers both use. The caller sets HERE (its own directory) and passes the prefix of
# the temporary directory: `. "$HERE/lib_make_run.sh" xbrun`. Each defines its start().
ROOT="$(cd "$HERE/../../.." && pwd)"
export XB_BUILD="${XB_BUILD:-$ROOT/build}"
TMP="$(mktemp -d "/tmp/$1-XXXXXX")"
PID=""
cleanup() {
  [ -n "$PID" ] && kill "$PID" 2>/dev/null || true
  rm -rf "$TMP"
}
trap cleanup EXIT
fail() { echo "FAIL  $*"; [ -f "$TMP/out" ] && tail -20 "$TMP/out"; exit 1; }

free_port() {
  /usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

wait_for() { # file pattern seconds
  local end=$((SECONDS + $3))
  until grep -q -- "$2" "$1" 2>/dev/null; do
    [ $SECONDS -lt $end ] || return 1
    sleep 0.05
  done
}

stop() { # SIGTERM: the bridge exits with status 0
  kill -TERM "$PID"
  local rc=0
  wait "$PID" || rc=$?
  PID=""
  [ "$rc" -eq 0 ] || fail "exit status $rc after SIGTERM"
}
