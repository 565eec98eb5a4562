#!/usr/bin/env bash
# tools/bench.sh BUILD [options] — what `make bench` runs.
#
# Runs the same xbbench scenarios against xbridge (a fresh store provisioned in a
# temporary directory, a free loopback port) and against Debian's mosquitto (a free
# loopback port, a configuration written for the run, persistence off), one after the
# other, each scenario on a freshly started server, and prints one table:
# scenario | xbridge | mosquitto | ratio (xbridge / mosquitto).
#
# Options: --duration S (measured seconds per run, 5), --warmup S (1), --idle N (idle
# connections, 10000), --inflight N (full-speed window of a lone publisher, 1000; each
# of the 100 publishers of the many-feeds scenario gets N/10), --rate R
# (msg/s of the latency run, 1000), --format csv|json|xml (json), --keep (keep the
# temporary directory with the server logs and every xbbench output), --repeat N
# (publish scenarios run N times, xbridge and mosquitto alternating; the table shows the
# median of each, the details every run: 1), --only LIST (comma-separated scenario
# names among one,lat,fan,feeds,idle: all).
set -euo pipefail

BUILD=${1:-build}
[ $# -gt 0 ] && shift
DUR=5 WARM=1 IDLE=10000 INFLIGHT=1000 RATE=1000 FMT=json KEEP=0 REPEAT=1 ONLY=""
while [ $# -gt 0 ]; do
  case "$1" in
    --duration) DUR=$2; shift 2 ;;
    --warmup) WARM=$2; shift 2 ;;
    --idle) IDLE=$2; shift 2 ;;
    --inflight) INFLIGHT=$2; shift 2 ;;
    --rate) RATE=$2; shift 2 ;;
    --format) FMT=$2; shift 2 ;;
    --keep) KEEP=1; shift ;;
    --repeat) REPEAT=$2; shift 2 ;;
    --only) ONLY=$2; shift 2 ;;
    *) echo "bench: unknown option $1" >&2; exit 2 ;;
  esac
done

XBBENCH=$BUILD/xbbench XBRIDGE=$BUILD/xbridge XBADMIN=$BUILD/xbadmin
for p in "$XBBENCH" "$XBRIDGE" "$XBADMIN"; do
  [ -x "$p" ] || { echo "bench: $p missing (run make bench)" >&2; exit 2; }
done
"$XBBENCH" --self-test >&2 || { echo "bench: xbbench self-test failed" >&2; exit 1; }
MOSQ=$(command -v mosquitto || true)
[ -n "$MOSQ" ] || { [ -x /usr/sbin/mosquitto ] && MOSQ=/usr/sbin/mosquitto; }
[ -n "$MOSQ" ] || echo "bench: mosquitto not installed (tools/deps.sh installs it): its column is n/a" >&2

TMP=$(mktemp -d "${TMPDIR:-/tmp}/xbbench.XXXXXX")
SERVER_PID="" PORT="" RUN=0
stop_server() {
  if [ -n "$SERVER_PID" ]; then
    kill "$SERVER_PID" 2>/dev/null || true
    wait "$SERVER_PID" 2>/dev/null || true
    SERVER_PID=""
  fi
}
cleanup() {
  stop_server
  if [ "$KEEP" = 1 ]; then echo "bench: outputs kept in $TMP" >&2; else rm -rf "$TMP"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# 10,000 idle connections need as many descriptors in xbbench and in each server.
WANT=$((IDLE + 1024))
HARD=$(ulimit -Hn)
if [ "$HARD" = unlimited ] || [ "$HARD" -ge "$WANT" ]; then
  ulimit -n "$WANT"
else
  ulimit -n "$HARD"
  echo "bench: ulimit -n is at most $HARD here: idle scenario lowered to $((HARD - 1024)) connections" >&2
  IDLE=$((HARD - 1024))
fi

# ------------------------------------------------------------------ the store
FEEDS=100
echo "bench: provisioning a store with $FEEDS feeds in $TMP" >&2
KEY=$("$XBADMIN" --db "$TMP/xb.db" add-user bench)
for i in $(seq 1 $FEEDS); do
  "$XBADMIN" --db "$TMP/xb.db" add-feed bench "bench $i" --id "$i" >/dev/null
  "$XBADMIN" --db "$TMP/xb.db" add-datastream bench "$i" 0 >/dev/null
done

# TLS material, for the TLS scenarios when the bridge has TLS.
openssl req -x509 -newkey rsa:2048 -nodes -keyout "$TMP/key.pem" -out "$TMP/cert.pem" \
  -days 2 -subj /CN=localhost -addext subjectAltName=IP:127.0.0.1,DNS:localhost \
  >/dev/null 2>&1 || true
# mosquitto started as root drops to its own user: it must reach the directory (search
# permission only) and read the throw-away key made for this run.
chmod 711 "$TMP" 2>/dev/null || true
chmod 644 "$TMP/key.pem" "$TMP/cert.pem" 2>/dev/null || true

# ------------------------------------------------------------------ servers
# start_server xbridge|mosquitto plain|tls: sets SERVER_PID and PORT, 0 when up.
start_server() {
  local kind=$1 transport=$2 log
  RUN=$((RUN + 1))
  log=$TMP/$kind.$RUN.log
  if [ "$kind" = xbridge ]; then
    local listen=(--listen 127.0.0.1:0)
    [ "$transport" = tls ] && listen=(--listen none --listen-tls 127.0.0.1:0
                                      --tls-cert "$TMP/cert.pem" --tls-key "$TMP/key.pem")
    "$XBRIDGE" --db "$TMP/xb.db" "${listen[@]}" --max-connections $((IDLE + 100)) \
      >"$log" 2>&1 &
    SERVER_PID=$!
    for _ in $(seq 1 100); do
      PORT=$(sed -n 's/.*listening.* port=\([0-9][0-9]*\).*/\1/p' "$log" | head -n 1)
      [ -n "$PORT" ] && return 0
      kill -0 "$SERVER_PID" 2>/dev/null || break
      sleep 0.05
    done
  else
    [ -n "$MOSQ" ] || return 1
    PORT=$("$XBBENCH" --free-port)
    {
      echo "listener $PORT 127.0.0.1"
      echo "allow_anonymous true"
      echo "persistence false"
      echo "log_dest stderr"
      if [ "$transport" = tls ]; then
        echo "certfile $TMP/cert.pem"
        echo "keyfile $TMP/key.pem"
      fi
    } >"$TMP/mosquitto.$RUN.conf"
    "$MOSQ" -c "$TMP/mosquitto.$RUN.conf" >"$log" 2>&1 &
    SERVER_PID=$!
    for _ in $(seq 1 100); do
      grep -q ' running' "$log" && return 0
      kill -0 "$SERVER_PID" 2>/dev/null || break
      sleep 0.05
    done
  fi
  echo "bench: $kind ($transport) did not start; its log:" >&2
  sed 's/^/  /' "$log" >&2
  stop_server
  return 1
}

# result FILE KEY: the value of KEY in the RESULT line of an xbbench output
result() {
  sed -n "s/^RESULT .*\\b$2=\\([^ ]*\\).*/\\1/p" "$1" | tail -n 1
}

# median NAME KIND KEY: the median of KEY over the rounds of NAME against KIND (empty
# when no round has it; failed rounds, -1, do not count).
median() {
  local f v vals=()
  for f in "$TMP/$1.$2".*.out; do
    [ -s "$f" ] || continue
    if [ "$3" = cpu_us ]; then v=$(cpu_per_msg "$f"); else v=$(result "$f" "$3"); fi
    [ -n "$v" ] && [ "$v" != -1 ] && [ "$v" != - ] && vals+=("$v")
  done
  [ ${#vals[@]} -gt 0 ] || return 0
  printf '%s\n' "${vals[@]}" | sort -g | awk -v f="$([ "$3" = cpu_us ] && echo %.2f || echo %.0f)" '
    { v[NR] = $1 } END { m = NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
                         printf f "\n", m }'
}

# cpu_per_msg FILE: the server's CPU time per delivered message, in microseconds (a
# figure that depends less than msg/s on the share of a loaded machine a server got)
cpu_per_msg() {
  awk -v c="$(result "$1" server_cpu_pct)" -v r="$(result "$1" deliv_rate)" \
    'BEGIN { if (c == "" || r == "" || c < 0 || r <= 0) print "-"; else printf "%.2f\n", c * 1e4 / r }'
}

# selected NAME: the scenario is in --only (or --only is empty)
selected() { [ -z "$ONLY" ] || [[ ",$ONLY," == *",$1,"* ]]; }

# run_one NAME KIND TRANSPORT ROUND XBBENCH-ARGS...: one fresh server, one xbbench run;
# the output lands in $TMP/NAME.KIND.ROUND.out (empty RESULT when it failed).
run_one() {
  local name=$1 kind=$2 transport=$3 round=$4
  shift 4
  local out=$TMP/$name.$kind.$round.out args=("$@")
  : >"$out"
  start_server "$kind" "$transport" || return 0
  [ "$kind" = xbridge ] && args+=(--username "$KEY")
  [ "$kind" = mosquitto ] && args+=(--mode mosquitto)
  [ "$transport" = tls ] && args+=(--tls --cafile "$TMP/cert.pem")
  args+=(--pid "$SERVER_PID")
  echo "bench: $name against $kind ($transport), round $round" >&2
  if ! timeout 120 "$XBBENCH" -p "$PORT" "${args[@]}" >"$out" 2>"$out.err"; then
    echo "bench: xbbench failed against $kind: $(tail -n 1 "$out.err")" >&2
  fi
  if [ "$kind" = xbridge ]; then
    printf 'server log: %s queue-full, %s slow-subscriber, %s warn/error lines\n' \
      "$(grep -c ' queue-full ' "$TMP/$kind.$RUN.log" || true)" \
      "$(grep -c ' slow-subscriber ' "$TMP/$kind.$RUN.log" || true)" \
      "$(grep -cE 'Z (warn|error) ' "$TMP/$kind.$RUN.log" || true)" >>"$out"
  fi
  stop_server
}

# ------------------------------------------------------------------ scenarios
# name | label | xbbench arguments | RESULT key (metric) | unit
SCEN=(
  "one|1 pub -> 1 sub, full speed|-F 1 -P 1 -S 1 -i $INFLIGHT|deliv_rate|msg/s delivered"
  "one|1 pub -> 1 sub, full speed|-|cpu_us|server CPU us/msg"
  "lat|1 pub -> 1 sub at $RATE msg/s|-F 1 -P 1 -S 1 -r $RATE|p50_us|latency p50 us"
  "lat|1 pub -> 1 sub at $RATE msg/s|-|p99_us|latency p99 us"
  "fan|1 pub -> 100 subs of one feed|-F 1 -P 1 -S 100 -i $INFLIGHT|deliv_rate|msg/s delivered"
  "fan|1 pub -> 100 subs of one feed|-|cpu_us|server CPU us/msg"
  "feeds|100 feeds, 1 pub + 1 sub each|-F 100 -P 100 -S 100 -i $((INFLIGHT / 10 > 0 ? INFLIGHT / 10 : 1))|deliv_rate|msg/s delivered"
  "feeds|100 feeds, 1 pub + 1 sub each|-|cpu_us|server CPU us/msg"
  "idle|$IDLE idle connections|--idle $IDLE|bytes_per_conn|server bytes/conn"
  "idle|$IDLE idle connections|-|rss_after_kb|server VmRSS kB"
)
COMMON=(-f "$FMT" -d "$DUR" -w "$WARM")

# The bridge has TLS when a start with only a TLS listener keeps running.
TLS=no
"$XBRIDGE" --db "$TMP/probe.db" --listen none --listen-tls 127.0.0.1:0 \
  --tls-cert "$TMP/cert.pem" --tls-key "$TMP/key.pem" >"$TMP/tls-probe.log" 2>&1 &
probe=$!
sleep 0.5
if kill -0 "$probe" 2>/dev/null; then
  TLS=yes
  kill "$probe"; wait "$probe" 2>/dev/null || true
else
  wait "$probe" 2>/dev/null || true
fi
rm -f "$TMP/probe.db"

START=$(date +%s)
for transport in plain tls; do
  [ "$transport" = tls ] && [ "$TLS" = no ] && continue
  for s in "${SCEN[@]}"; do
    IFS='|' read -r name _ args _ _ <<<"$s"
    [ "$args" = - ] && continue
    selected "$name" || continue
    read -r -a argv <<<"$args"
    rounds=$REPEAT
    [ "$name" != idle ] && argv+=("${COMMON[@]}")
    [ "$name" = idle ] && rounds=1
    for round in $(seq 1 "$rounds"); do
      run_one "$name-$transport" xbridge "$transport" "$round" "${argv[@]}"
      run_one "$name-$transport" mosquitto "$transport" "$round" "${argv[@]}"
    done
  done
done
END=$(date +%s)

# ------------------------------------------------------------------ table
fmt_ratio() {
  awk -v a="$1" -v b="$2" 'BEGIN { if (a == "" || b == "" || b + 0 == 0 || a < 0 || b < 0)
    print "-"; else printf "%.2f\n", a / b }'
}
row() { printf '| %-54s | %-20s | %-20s | %-6s |\n' "$@"; }

echo
echo "xbbench: $(date -u +%Y-%m-%d), $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)," \
     "$FMT payloads, $DUR s measured per run after $WARM s warm-up, full speed = at most" \
     "$INFLIGHT messages in flight per lone publisher ($((INFLIGHT / 10)) for each of 100)," \
     "$REPEAT round(s) per publish scenario (median shown), runs took $((END - START)) s"
row "scenario" "xbridge" "mosquitto" "ratio"
row "---" "---" "---" "---"
for transport in plain tls; do
  for s in "${SCEN[@]}"; do
    IFS='|' read -r name label args key unit <<<"$s"
    [ "$transport" = tls ] && label="$label, TLS"
    if [ "$transport" = tls ] && [ "$TLS" = no ]; then
      row "$label: $unit" "n/a (TLS: issue #7)" "not run" "-"
      continue
    fi
    selected "$name" || continue
    a=$(median "$name-$transport" xbridge "$key")
    b=$(median "$name-$transport" mosquitto "$key")
    row "$label: $unit" "${a:-failed}" "${b:-failed}" "$(fmt_ratio "$a" "$b")"
  done
done
echo "ratio = xbridge / mosquitto: above 1 is better for msg/s, below 1 for latency, memory" \
     "and CPU per message (server CPU time over the window / messages delivered in it)."
echo "bytes/conn = (VmRSS with the idle connections - VmRSS before them) / connections;" \
     "VmRSS includes what a server allocates at start for its maximum connections."
echo
echo "details, every run (round | delivered msg/s | published msg/s | delivered % after" \
     "drain | latency p50/p99/p99.9 us | slowest PINGREQ us | server on a CPU / waiting for" \
     "a CPU, % of the window | server CPU us per delivered message | xbbench CPU % |" \
     "in-flight windows given up after 1 s without a delivery):"
for transport in plain tls; do
  for s in "${SCEN[@]}"; do
    IFS='|' read -r name _ args _ _ <<<"$s"
    [ "$args" = - ] || [ "$name" = idle ] && continue
    for round in $(seq 1 "$REPEAT"); do
      for kind in xbridge mosquitto; do
        f=$TMP/$name-$transport.$kind.$round.out
        [ -s "$f" ] || continue
        printf '  %-11s %-9s %s | %s | %s | %s %% | %s/%s/%s | %s | %s / %s %% | %s | %s %% | %s' \
          "$name-$transport" "$kind" "$round" "$(result "$f" deliv_rate)" \
          "$(result "$f" pub_rate)" "$(result "$f" delivered_pct)" "$(result "$f" p50_us)" \
          "$(result "$f" p99_us)" "$(result "$f" p999_us)" "$(result "$f" ping_max_us)" \
          "$(result "$f" server_cpu_pct)" "$(result "$f" server_runq_pct)" \
          "$(cpu_per_msg "$f")" "$(result "$f" client_cpu_pct)" "$(result "$f" given_up)"
        { grep -h '^server log:' "$f" || true; } | sed 's/^/ | /' | tr -d '\n'
        echo
      done
    done
  done
done
for transport in plain tls; do
  for kind in xbridge mosquitto; do
    f=$TMP/idle-$transport.$kind.1.out
    [ -s "$f" ] && printf '  %-11s %-9s | %s\n' "idle-$transport" "$kind" "$(head -n 1 "$f")"
  done
done
exit 0
