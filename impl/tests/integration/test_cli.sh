#!/usr/bin/env bash
# The xbridge program: options and configuration file, exit statuses, the store lock,
# listeners, signals (spec/limits.md §2, spec/scope.md §3, spec/transport.md §1,
# spec/persistence.md XB-STORE-3).
set -uo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
ROOT="$(cd "$HERE/../../.." && pwd)"
BUILD="${XB_BUILD:-$ROOT/build}"
XB="$BUILD/xbridge"
TMP="$(mktemp -d /tmp/xbcli-XXXXXX)"
PIDS=()
cleanup() {
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null; done
  rm -rf "$TMP"
}
trap cleanup EXIT
FAILED=0
TOTAL=0
ok() { TOTAL=$((TOTAL + 1)); printf 'ok    %-58s %s\n' "$1" "$2"; }
bad() { TOTAL=$((TOTAL + 1)); FAILED=$((FAILED + 1)); printf 'FAIL  %-58s %s\n' "$1" "$2"; }

wait_for() { # file pattern seconds
  local end=$((SECONDS + $3))
  until grep -q -- "$2" "$1" 2>/dev/null; do
    [ $SECONDS -lt $end ] || return 1
    sleep 0.05
  done
}

# run NAME EXPECTED_STATUS STDERR_PATTERN -- args...
expect_exit() {
  local name=$1 want=$2 pat=$3 ids=$4
  shift 4
  timeout 10 "$XB" "$@" >"$TMP/o" 2>"$TMP/e" </dev/null
  local rc=$?
  if [ "$rc" -eq "$want" ] && grep -q -- "$pat" "$TMP/e" "$TMP/o"; then
    ok "$name" "$ids"
  else
    bad "$name" "$ids (status $rc, wanted $want; $(head -c 300 "$TMP/e"))"
  fi
}

expect_exit help 0 "--max-packet-size" "XB-SCOPE-7" --help
expect_exit unknown_option 2 "max-foo" "XB-LIM-14 XB-SCOPE-11" --max-foo 1
expect_exit value_out_of_range 2 "max-packet-size" "XB-LIM-14" --max-packet-size 10
expect_exit value_with_unit 2 "connect-timeout" "XB-LIM-14" --connect-timeout 10s
expect_exit repeated_option 2 "db" "XB-LIM-13" --db a --db b
expect_exit payload_above_packet 2 "max-payload-size" "XB-LIM-15" --max-packet-size 2048 --max-payload-size 4096
expect_exit tls_without_files 2 "listen-tls" "XB-TRANS-3" --listen-tls 127.0.0.1:0
printf 'db = %s/x.db\nmax-subscriptions = zero\n' "$TMP" >"$TMP/bad.conf"
expect_exit config_file_error 2 "$TMP/bad.conf:2: max-subscriptions" "XB-LIM-12 XB-LIM-14" --config "$TMP/bad.conf"
expect_exit config_file_unreadable 2 "$TMP/none.conf" "XB-LIM-14" --config "$TMP/none.conf"

# A configuration file read, the command line winning, the effective values logged.
cat >"$TMP/good.conf" <<EOF
# a comment
db = $TMP/good.db
max-subscriptions = 7
  connect-timeout	= 5
listen = 127.0.0.1:1
EOF
"$XB" --config "$TMP/good.conf" --connect-timeout 4 --listen 127.0.0.1:0 2>"$TMP/log1" &
P1=$!
PIDS+=("$P1")
if wait_for "$TMP/log1" "info listening addr=127.0.0.1 port=" 10 &&
  grep -q "info config .*max-subscriptions=7 .*connect-timeout=4 .*listen=127.0.0.1:0 " "$TMP/log1"; then
  ok config_file_and_override "XB-LIM-12 XB-LIM-13 XB-LIM-16"
else
  bad config_file_and_override "XB-LIM-12 XB-LIM-13 XB-LIM-16 ($(head -3 "$TMP/log1"))"
fi
grep -q "$TMP/good.db" "$TMP/log1" && ok store_path_option "XB-STORE-1" || bad store_path_option "XB-STORE-1"

# The store is locked while the bridge runs.
expect_exit store_locked 1 "$TMP/good.db" "XB-STORE-3 XB-SCOPE-11" --db "$TMP/good.db" --listen 127.0.0.1:0
if "$BUILD/xbdemo" --db "$TMP/good.db" user someone >/dev/null 2>&1; then
  bad provisioning_refused_while_running "XB-STORE-3"
else
  ok provisioning_refused_while_running "XB-STORE-3"
fi

# A listener that cannot be bound: exit 1.
PORT=$(sed -n 's/.*info listening addr=127.0.0.1 port=\([0-9]*\).*/\1/p' "$TMP/log1" | head -1)
expect_exit listen_in_use 1 "127.0.0.1:$PORT" "XB-TRANS-5 XB-SCOPE-11" --db "$TMP/other.db" --listen "127.0.0.1:$PORT"
expect_exit listen_bad_address 1 "" "XB-TRANS-5" --db "$TMP/other2.db" --listen "192.0.2.1:0"

# SIGHUP: the log is reopened and the bridge keeps serving.
kill -HUP "$P1"
if /usr/bin/python3 - "$PORT" <<'EOF'
import socket, sys
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=5)
s.sendall(b"\x10\x0d\x00\x04MQTT\x04\x02\x00\x00\x00\x01h")
assert s.recv(4) == b"\x20\x02\x00\x00"
EOF
then ok sighup_keeps_running "(SIGHUP reopens the log)"; else bad sighup_keeps_running "(SIGHUP)"; fi

# SIGINT: clean stop, status 0, store closed (the lock is free again).
kill -INT "$P1"
wait "$P1"
RC=$?
if [ "$RC" -eq 0 ] && grep -q "info shutdown .*detail=SIGINT" "$TMP/log1" &&
  "$BUILD/xbdemo" --db "$TMP/good.db" user someone >/dev/null 2>&1; then
  ok sigint_clean_stop "XB-SCOPE-12 XB-SCOPE-11 XB-STORE-16"
else
  bad sigint_clean_stop "XB-SCOPE-12 (status $RC)"
fi

# IPv6 loopback, when the host has it.
if /usr/bin/python3 -c 'import socket; socket.socket(socket.AF_INET6).bind(("::1", 0))' 2>/dev/null; then
  "$XB" --db "$TMP/v6.db" --listen "[::1]:0" 2>"$TMP/log6" &
  P6=$!
  PIDS+=("$P6")
  if wait_for "$TMP/log6" "info listening addr=::1 port=" 10; then ok ipv6_listener "XB-TRANS-2 XB-TRANS-6"
  else bad ipv6_listener "XB-TRANS-2 ($(cat "$TMP/log6"))"; fi
  kill -TERM "$P6"
  wait "$P6" && ok sigterm_clean_stop "XB-SCOPE-12" || bad sigterm_clean_stop "XB-SCOPE-12"
fi

echo "test_cli.sh: $TOTAL tests, $FAILED failed"
[ "$FAILED" -eq 0 ]
