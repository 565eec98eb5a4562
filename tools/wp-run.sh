#!/usr/bin/env bash
# Run Frama-C/WP on one proof unit (declared in proofs/units/<unit>.mk).
#   tools/wp-run.sh UNIT OUTDIR SESSIONDIR "SRCS" "EXTRA FLAGS"
# Writes OUTDIR/UNIT.json (WP's per-goal report) and OUTDIR/UNIT.log.
# Step limits decide the verdict; the timeout is only a safety net against a hung prover,
# so a loaded machine gives the same answer, just later.
set -euo pipefail
unit=$1 out=$2 session=$3 srcs=$4 extra=${5:-}
mkdir -p "$out" "$session"
: "${WP_STEPS:=150000}" "${WP_TIMEOUT:=90}" "${WP_PAR:=2}" "${WP_CACHE:=update}"
# shellcheck disable=SC2086
set +e
frama-c -no-autoload-plugins -load-module wp,rtegen,report \
  -cpp-extra-args="-Iimpl -D__FRAMAC__ -D_POSIX_C_SOURCE=200809L" \
  -wp -wp-rte -warn-unsigned-overflow -warn-unsigned-downcast \
  -wp-prover z3,cvc4 -wp-par "$WP_PAR" -wp-steps "$WP_STEPS" -wp-timeout "$WP_TIMEOUT" \
  -wp-session "$session" -wp-cache "$WP_CACHE" \
  -wp-report-json "$out/$unit.json" \
  $extra $srcs > "$out/$unit.log" 2>&1
rc=$?
set -e
grep -E '^\[wp\] (Proved goals|Warning)|^\[kernel\].*(error|Error)|User Error' "$out/$unit.log" | sed "s/^/  [$unit] /" || true
if [ $rc -ne 0 ]; then
  echo "  [$unit] frama-c exited with status $rc; see $out/$unit.log" >&2
  tail -n 20 "$out/$unit.log" >&2
  exit 1
fi
