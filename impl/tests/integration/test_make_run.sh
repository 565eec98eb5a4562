#!/usr/bin/env bash
# `make run` as a user meets it: tools/run.sh provisions a demo store on first start,
# prints mosquitto_sub / mosquitto_pub lines, and the printed lines work as printed
# (issue #5 "done when"). Run on a temporary directory and a free port instead of var/
# and 1883; a second start reuses the store and prints the same key; SIGTERM stops the
# bridge with status 0 (XB-SCOPE-11, XB-SCOPE-12).
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
. "$HERE/lib_make_run.sh" xbrun

start() {
  PORT=$(free_port)
  XB_RUN_DIR="$TMP/var" XB_RUN_LISTEN="127.0.0.1:$PORT" XB_RUN_LISTEN_TLS=none \
    "$ROOT/tools/run.sh" --log-level debug \
    >"$TMP/out" 2>&1 &
  PID=$!
  wait_for "$TMP/out" "info listening addr=127.0.0.1 port=$PORT" 10 || fail "bridge not listening"
}

stop_logged() { # stop, and the bridge logged its shutdown
  stop
  grep -q "info shutdown" "$TMP/out" || fail "no shutdown line"
}

# ---- first start: provisioning and the printed commands
start
SUB=$(grep -m1 '^    mosquitto_sub ' "$TMP/out" | sed 's/^ *//') || fail "no mosquitto_sub line"
PUB=$(grep -m1 '^    mosquitto_pub .* -u ' "$TMP/out" | sed 's/^ *//') || fail "no mosquitto_pub line"
PUB2=$(grep '^    mosquitto_pub ' "$TMP/out" | grep -v ' -u ' | head -1 | sed 's/^ *//') || true
KEY=$(sed -n 's/^  demo key (device key for feed [0-9]*): //p' "$TMP/out")
[ -n "$KEY" ] || fail "no key printed"
case "$SUB" in *"-p $PORT"*) ;; *) fail "the printed command does not name port $PORT: $SUB" ;; esac

# The printed subscriber, bounded: the state, then the update published below.
eval "$SUB -C 3 -W 10" >"$TMP/sub" 2>&1 &
SUBPID=$!
wait_for "$TMP/out" "op=subscribe" 10 || fail "subscriber not seen"
eval "$PUB" || fail "printed mosquitto_pub failed"
wait_for "$TMP/sub" '"current_value":"21.5"' 10 || fail "update not received: $(cat "$TMP/sub")"
[ -n "$PUB2" ] && { eval "$PUB2" || fail "printed prefix-key mosquitto_pub failed"; }
wait "$SUBPID" || fail "mosquitto_sub: $(cat "$TMP/sub")"
grep -q '"current_value":"22.0"' "$TMP/sub" || fail "prefix-key update not received"
[ "$(wc -l <"$TMP/sub")" -eq 3 ] || fail "expected state + 2 updates: $(cat "$TMP/sub")"
echo "ok    printed_commands_work                                       XB-SUB-2 XB-SUB-6 XB-AUTH-9"
stop_logged

# ---- second start: the store is kept, nothing provisioned again
start
KEY2=$(sed -n 's/^  demo key (device key for feed [0-9]*): //p' "$TMP/out")
[ "$KEY2" = "$KEY" ] || fail "second start printed another key ($KEY2)"
grep -q "provisioned" "$TMP/out" && fail "provisioned twice"
eval "$(grep -m1 '^    mosquitto_sub ' "$TMP/out" | sed 's/^ *//') -C 1 -W 10" >"$TMP/sub" 2>&1 ||
  fail "subscribe after restart: $(cat "$TMP/sub")"
grep -q '"current_value":"22.0"' "$TMP/sub" || fail "state lost across restart: $(cat "$TMP/sub")"
echo "ok    restart_keeps_store                                         XB-STORE-1 XB-STORE-16"
stop_logged
echo "test_make_run.sh: 2 tests, 0 failed"
