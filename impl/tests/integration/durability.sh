#!/usr/bin/env bash
# durability.sh — nothing committed is lost when the process is killed (spec/persistence.md
# XB-STORE-14, XB-STORE-15; XB-STORE-4 synchronous=FULL, XB-STORE-8 whole requests).
#
# A writer (tools/engine-bench.c --writer) updates one datastream with values 1, 2, 3, ...
# in batches of B requests per transaction and prints "committed N" after each commit
# returned. It is killed with SIGKILL at a random moment; the store is then reopened (SQLite
# recovers the WAL by itself, XB-STORE-15) and checked: every value up to the last reported
# N is a datapoint, the current value is >= N, and only whole batches are present.
#
# Uses $XB_BUILD/engine-bench (default build/); standalone, builds it; exits 0 when
# every round passes, 1 otherwise.
set -euo pipefail
cd "$(dirname "$0")/../../.."

ROUNDS=${DURABILITY_ROUNDS:-6}
B=${XB_BUILD:-build}
work=$(mktemp -d /tmp/xbdurable-XXXXXX)
trap 'rm -rf "$work"' EXIT
# The writer is build/engine-bench (make builds it from tools/engine-bench.c); standalone,
# it is built here against $B/libxb.a.
if [ -x "$B/engine-bench" ]; then
  cp "$B/engine-bench" "$work/writer"
else
  make -s BUILD="$B" "$B/libxb.a"
  gcc -std=c11 -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE -O2 -Iimpl tools/engine-bench.c \
    "$B/libxb.a" -lsqlite3 -lssl -lcrypto -lm -o "$work/writer"
fi

fail=0
batches=(1 7 100 1 25 500)
for ((i = 0; i < ROUNDS; i++)); do
  b=${batches[$((i % ${#batches[@]}))]}
  db="$work/r$i/store.db"
  mkdir -p "$work/r$i"
  "$work/writer" --writer "$db" "$b" >"$work/r$i/out" 2>"$work/r$i/err" &
  pid=$!
  # Let it run 0.4 .. 1.9 s, then kill -9 at whatever point it has reached.
  sleep "$(awk -v r=$RANDOM 'BEGIN { printf "%.2f", 0.4 + (r % 150) / 100 }')"
  kill -9 "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  n=$(awk '/^committed /{ n = $2 } END { print n + 0 }' "$work/r$i/out")
  if out=$("$work/writer" --verify "$db" "$n" "$b" 2>&1); then
    echo "durability round $i (batch $b): killed, last reported commit holds value $n: $out"
  else
    echo "durability round $i (batch $b): FAILED, last reported commit holds value $n: $out" >&2
    cat "$work/r$i/err" >&2 || true
    fail=1
  fi
done
if [ "$fail" -ne 0 ]; then
  echo "durability: FAILED" >&2
  exit 1
fi
echo "durability: ok ($ROUNDS rounds)"
