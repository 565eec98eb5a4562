#!/usr/bin/env bash
# A proof that cannot fail proves nothing: apply each proofs/mutants/<unit>-*.patch to a
# scratch copy of the tree and require WP to FAIL on it. A mutant that no longer applies
# is an error too (it would silently stop testing anything). Each patch may name the
# mutated functions on a "WP-Function: f,g" line above the diff (see below).
set -uo pipefail
top=$(pwd)
scratch=$(mktemp -d /tmp/xb-mutants.XXXXXX)
trap 'rm -rf "$scratch"' EXIT
killed=0 survived=0 stale=0
shopt -s nullglob
patches=(proofs/mutants/*.patch)
if [ ${#patches[@]} -eq 0 ]; then echo "proofs-mutants: no mutants"; exit 1; fi
# One mutant: prints its verdict line into $scratch/<name>.verdict.
run_one() {
  local p=$1 name unit work srcs flags fcts
  name=$(basename "$p" .patch)
  unit=${name%%-*}
  work="$scratch/$name"
  mkdir -p "$work"
  cp -r impl proofs tools Makefile "$work"/
  if ! (cd "$work" && patch -s -p1 --dry-run < "$top/$p" >/dev/null && patch -s -p1 < "$top/$p"); then
    echo "STALE (patch does not apply)" > "$scratch/$name.verdict"; return
  fi
  srcs=$(make -s -C "$work" proof-vars UNIT="$unit" VAR=SRCS)
  flags=$(make -s -C "$work" proof-vars UNIT="$unit" VAR=FLAGS)
  # A "WP-Function: f[,g]" line before the diff (patch skips it) limits WP to the mutated
  # functions: their own goals are what the mutation must break, and a whole unit per
  # mutant would make make check too slow. Without it, the whole unit is proved.
  fcts=$(sed -n 's/^WP-Function: *//p' "$p" | head -1)
  # The mutant's list replaces a unit's own -wp-fct (Frama-C would take the union).
  [ -n "$fcts" ] && flags="$(echo "$flags" | sed -E 's/-wp-fct +[^ ]+//g') -wp-fct $fcts"
  if [ -z "$srcs" ]; then
    # No such unit in proofs/units/: WP would fail on nothing and the mutant would look
    # killed. A mutant of a unit that is not in make proofs (yet) is an error.
    echo "STALE (no proof unit '$unit' in proofs/units/)" > "$scratch/$name.verdict"; return
  fi
  if ! (cd "$work" && WP_PAR=1 tools/wp-run.sh "$unit" build/proofs "proofs/wp/$unit" "$srcs" "$flags" \
          >"$scratch/$name.log" 2>&1); then
    # Frama-C stopped (a parse error, say): that is not a failed proof.
    echo "STALE (Frama-C did not complete; see the log)" > "$scratch/$name.verdict"; return
  fi
  if (cd "$work" && tools/wp-table.py "build/proofs/$unit.json" >/dev/null 2>&1); then
    echo "SURVIVED (proof still passes!)" > "$scratch/$name.verdict"
  else
    echo "killed (proof fails, as it must)" > "$scratch/$name.verdict"
  fi
}

# Mutants run PROOF_JOBS at a time (one core each: WP's goal generation is serial).
jobs=${PROOF_JOBS:-2} running=0
for p in "${patches[@]}"; do
  if [ "$running" -ge "$jobs" ]; then wait -n; running=$((running - 1)); fi
  run_one "$p" &
  running=$((running + 1))
done
wait

printf '%-40s %s\n' "mutant" "verdict"
for p in "${patches[@]}"; do
  name=$(basename "$p" .patch)
  v=$(cat "$scratch/$name.verdict" 2>/dev/null || echo "STALE (no verdict)")
  printf '%-40s %s\n' "$name" "$v"
  case "$v" in
    killed*) killed=$((killed + 1)) ;;
    SURVIVED*) survived=$((survived + 1)) ;;
    *) stale=$((stale + 1)); [ -f "$scratch/$name.log" ] && tail -n 5 "$scratch/$name.log" | sed 's/^/    /' ;;
  esac
done
echo "proofs-mutants: $killed killed, $survived survived, $stale stale"
[ $survived -eq 0 ] && [ $stale -eq 0 ]
