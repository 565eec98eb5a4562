#!/usr/bin/env bash
# `make run` with TLS (issue #7 "done when"): tools/run.sh makes a self-signed development
# certificate with the openssl command on first start, serves MQTT over TLS, and the
# printed mosquitto_sub / mosquitto_pub lines with --cafile work as printed
# (spec/transport.md XB-TRANS-3, XB-TRANS-7). A second start keeps the certificate.
# Runs on a temporary directory and free ports instead of var/, 1883 and 8883.
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
. "$HERE/lib_make_run.sh" xbtlsrun

start() {
  PORT=$(free_port)
  TPORT=$(free_port)
  XB_RUN_DIR="$TMP/var" XB_RUN_LISTEN="127.0.0.1:$PORT" XB_RUN_LISTEN_TLS="127.0.0.1:$TPORT" \
    "$ROOT/tools/run.sh" --log-level debug >"$TMP/out" 2>&1 &
  PID=$!
  wait_for "$TMP/out" "info listening addr=127.0.0.1 port=$TPORT transport=tls" 10 ||
    fail "bridge not listening on TLS port $TPORT"
}

# ---- first start: the certificate is made, the printed TLS commands work as printed
start
grep -q "made a self-signed development certificate" "$TMP/out" || fail "no certificate message"
[ -s "$TMP/var/tls-cert.pem" ] && [ -s "$TMP/var/tls-key.pem" ] || fail "no certificate files"
[ "$(stat -c %a "$TMP/var/tls-key.pem")" = 600 ] || fail "the private key is readable by others"
SUB=$(grep -m1 '^    mosquitto_sub .*--cafile' "$TMP/out" | sed 's/^ *//') || fail "no TLS mosquitto_sub line"
PUB=$(grep -m1 '^    mosquitto_pub .*--cafile' "$TMP/out" | sed 's/^ *//') || fail "no TLS mosquitto_pub line"
case "$SUB" in *"-p $TPORT "*) ;; *) fail "the printed command does not name port $TPORT: $SUB" ;; esac
eval "$SUB -C 2 -W 10" >"$TMP/sub" 2>&1 &
SUBPID=$!
wait_for "$TMP/out" "op=subscribe" 10 || fail "TLS subscriber not seen"
eval "$PUB" || fail "printed TLS mosquitto_pub failed"
wait "$SUBPID" || fail "mosquitto_sub over TLS: $(cat "$TMP/sub")"
grep -q '"current_value":"23.0"' "$TMP/sub" || fail "TLS update not received: $(cat "$TMP/sub")"
[ "$(wc -l <"$TMP/sub")" -eq 2 ] || fail "expected state + update: $(cat "$TMP/sub")"
echo "ok    printed_tls_commands_work                                   XB-TRANS-3 XB-TRANS-7"
FP1=$(openssl x509 -in "$TMP/var/tls-cert.pem" -noout -fingerprint -sha256)
stop

# ---- second start: the certificate is kept
start
grep -q "made a self-signed" "$TMP/out" && fail "certificate made twice"
FP2=$(openssl x509 -in "$TMP/var/tls-cert.pem" -noout -fingerprint -sha256)
[ "$FP1" = "$FP2" ] || fail "the certificate changed across restarts"
eval "$(grep -m1 '^    mosquitto_sub .*--cafile' "$TMP/out" | sed 's/^ *//') -C 1 -W 10" >"$TMP/sub" 2>&1 ||
  fail "TLS subscribe after restart: $(cat "$TMP/sub")"
grep -q '"current_value":"23.0"' "$TMP/sub" || fail "state lost across restart: $(cat "$TMP/sub")"
echo "ok    restart_keeps_certificate                                   XB-TRANS-17"
stop
