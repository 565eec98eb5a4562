#!/usr/bin/env bash
# make conform-mutants: the reference bridge built with each seeded fault of
# conformance/mutants.txt must fail the conformance suite (issue #8).
#
#   XB_BUILD=build XB_CC=gcc XB_CFLAGS="..." XB_LDLIBS="..." \
#     conformance/tools/conform-mutants.sh [xbconform options...]
#
# For each SWITCH FILE line: FILE is compiled with -DSWITCH and linked ahead of
# $XB_BUILD/libxb.a into a mutant xbridge (the archive member it replaces is then never
# pulled in), which conform-ref.sh runs the suite against. "Caught" means the suite ran and
# at least one test failed; a mutant the bridge cannot even start with, or a setup error,
# is reported as an error, not as caught. A control run of the unmutated reference comes
# first and must pass. MUTANTS="A B" restricts the run to those switches;
# CONFORM_MUTANT_JOBS (3) suites run at once.
# Prints the share of mutants caught; exits 0 only when every one was caught.
set -uo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
B="$(cd "${XB_BUILD:-$ROOT/build}" && pwd)"
CC="${XB_CC:-gcc}"
CFLAGS="${XB_CFLAGS:--O2 -g -std=c11 -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE -Iimpl}"
LDLIBS="${XB_LDLIBS:--lsqlite3 -lssl -lcrypto -lm}"
LIST="$ROOT/conformance/mutants.txt"
cd "$ROOT" || exit 2

for f in "$B/libxb.a" "$B/obj/rel/impl/main/xbridge.o" "$B/xbridge" "$B/xbadmin" "$B/xbconform"; do
  [ -e "$f" ] || { echo "conform-mutants: $f is missing (make all first)" >&2; exit 2; }
done
out=$(mktemp -d /tmp/xb-mutants.XXXXXX)

# Runs the suite against $1/xbridge; prints "passed failed" or "error".
suite() {
  local dir=$1 log=$1/conform.log
  XB_BUILD="$dir" "$ROOT/conformance/tools/conform-ref.sh" "${@:2}" >"$log" 2>&1
  sed -n 's/^xbconform: \([0-9]*\) passed, \([0-9]*\) failed.*/\1 \2/p' "$log" | tail -1
}

mkdir -p "$out/control"
ln -s "$B/xbridge" "$B/xbadmin" "$B/xbconform" "$out/control/"
res=$(suite "$out/control" "$@")
if [ -z "$res" ] || [ "${res#* }" != 0 ]; then
  echo "conform-mutants: the unmutated reference does not pass (${res:-no result}); log kept in $out/control/conform.log" >&2
  exit 1
fi
echo "control: the unmutated reference passes (${res% *} tests)"

# Build every mutant first (quick: one file each), then run the suites JOBS at a time:
# a run mostly waits (keep-alive expiry, timeouts), so they overlap well.
JOBS="${CONFORM_MUTANT_JOBS:-3}"
total=0 caught=0 errors=0
order=()
while read -r sw file what; do
  case "$sw" in ''|'#'*) continue ;; esac
  if [ -n "${MUTANTS:-}" ] && [[ " $MUTANTS " != *" $sw "* ]]; then continue; fi
  total=$((total + 1))
  d="$out/$sw"; mkdir -p "$d"
  echo "$what" > "$d/what"
  if ! grep -q "$sw" "$file" 2>/dev/null; then
    echo "not found in $file (stale entry in conformance/mutants.txt)" > "$d/error"
  # shellcheck disable=SC2086
  elif ! $CC $CFLAGS "-D$sw" -c "$file" -o "$d/mut.o" 2>"$d/build.log" ||
       ! $CC $CFLAGS "$B/obj/rel/impl/main/xbridge.o" "$d/mut.o" "$B/libxb.a" $LDLIBS \
            -o "$d/xbridge" 2>>"$d/build.log"; then
    echo "does not build (see $d/build.log)" > "$d/error"
  else
    ln -s "$B/xbadmin" "$B/xbconform" "$d/"
  fi
  order+=("$sw")
done < "$LIST"

running=0
for sw in "${order[@]}"; do
  d="$out/$sw"
  [ -e "$d/error" ] && continue
  if [ "$running" -ge "$JOBS" ]; then wait -n; running=$((running - 1)); fi
  (suite "$d" "$@" > "$d/result") &
  running=$((running + 1))
done
wait

for sw in "${order[@]}"; do
  d="$out/$sw"
  res=$(cat "$d/result" 2>/dev/null)
  if [ -e "$d/error" ]; then
    echo "ERROR  $sw: $(cat "$d/error")"
    errors=$((errors + 1))
  elif [ -z "$res" ]; then
    echo "ERROR  $sw: the suite did not run (see $d/conform.log)"
    errors=$((errors + 1))
  elif [ "${res#* }" -gt 0 ]; then
    caught=$((caught + 1))
    fails=$(grep -E '^ *(not ok|FAIL)' "$d/conform.log" | head -3 | sed -E 's/^ *(not ok [0-9]+ - |FAIL +)//; s/ +\[.*//' | tr '\n' ' ')
    printf "caught %-27s %3s failed, e.g. %s\n" "$sw" "${res#* }" "$fails"
  else
    printf 'MISSED %-27s %s  (%s)\n' "$sw" "all ${res% *} tests passed" "$(cat "$d/what")"
  fi
done

pct=0; [ $total -gt 0 ] && pct=$((100 * caught / total))
echo "conform-mutants: $caught of $total mutants caught ($pct %), $errors errors"
if [ $caught -eq $total ] && [ $total -gt 0 ]; then rm -rf "$out"; exit 0; fi
echo "conform-mutants: logs kept in $out" >&2
exit 1
