#!/usr/bin/env bash
# Run an AFL++ campaign on one fuzz target.
#   tools/fuzz-run.sh TARGET SECONDS smoke     one instance, for `make fuzz-smoke`
#   tools/fuzz-run.sh TARGET SECONDS campaign  one instance per core, one with CMPLOG;
#                                              crashes are minimised into fuzz/regressions/
# Any crash or hang fails the run: the parsers must never crash or hang on any input.
set -uo pipefail
target=$1 seconds=$2 mode=${3:-smoke}
# make passes its command-line BUILD=dir in the environment (make BUILD=build-x fuzz ...)
build=${BUILD:-build}
bin=$build/fuzz/afl/$target
cmplog=$build/fuzz/cmplog/$target
corpus=fuzz/$target/corpus
dict=fuzz/$target/$target.dict
out=$build/fuzz/out-$mode/$target
[ -x "$bin" ] || { echo "fuzz: $bin not built" >&2; exit 2; }
[ -d "$corpus" ] || { echo "fuzz: no seed corpus $corpus" >&2; exit 2; }
rm -rf "$out"; mkdir -p "$out"
export AFL_NO_UI=1 AFL_SKIP_CPUFREQ=1 AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES=1 \
       AFL_NO_AFFINITY=1 AFL_FAST_CAL=1 AFL_SKIP_CRASHES=0 AFL_NO_WARN_INSTABILITY=1
dictopt=(); [ -f "$dict" ] && dictopt=(-x "$dict")
log=$out/afl.log
if [ "$mode" = campaign ]; then
  cores=$(nproc)
  afl-fuzz -M main -V "$seconds" -t 2000 -i "$corpus" -o "$out" "${dictopt[@]}" -- "$bin" > "$log.main" 2>&1 &
  pids=($!)
  for i in $(seq 2 "$cores"); do
    extra=(); [ "$i" -eq 2 ] && [ -x "$cmplog" ] && extra=(-c "$cmplog")
    afl-fuzz -S "s$i" -V "$seconds" -t 2000 -i "$corpus" -o "$out" "${dictopt[@]}" "${extra[@]}" -- "$bin" > "$log.s$i" 2>&1 &
    pids+=($!)
  done
  for p in "${pids[@]}"; do wait "$p"; done
else
  afl-fuzz -S smoke -V "$seconds" -t 2000 -i "$corpus" -o "$out" "${dictopt[@]}" -- "$bin" > "$log" 2>&1
  rc=$?
  if [ $rc -ne 0 ]; then echo "fuzz: afl-fuzz failed for $target (status $rc):" >&2; tail -n 30 "$log" >&2; exit 1; fi
fi

execs=0 speed=0 paths=0
for st in "$out"/*/fuzzer_stats; do
  [ -f "$st" ] || continue
  e=$(awk -F: '/^execs_done/{gsub(/ /,"",$2);print $2}' "$st")
  s=$(awk -F: '/^execs_per_sec/{gsub(/ /,"",$2);print $2}' "$st")
  c=$(awk -F: '/^corpus_count/{gsub(/ /,"",$2);print $2}' "$st")
  execs=$((execs + ${e:-0})); paths=$((paths + ${c:-0}))
  speed=$(awk -v a="$speed" -v b="${s:-0}" 'BEGIN{printf "%.0f", a + b}')
done
crashes=$(find "$out" -path '*/crashes/id:*' -type f | wc -l)
hangs=$(find "$out" -path '*/hangs/id:*' -type f | wc -l)
echo "fuzz $target ($mode, ${seconds}s): $execs execs, ~$speed execs/s, $paths corpus entries, $crashes crashes, $hangs hangs"
if [ "$crashes" -gt 0 ] || [ "$hangs" -gt 0 ]; then
  dest=fuzz/regressions/$target
  [ "$mode" = smoke ] && dest=$build/fuzz/findings/$target
  mkdir -p "$dest"
  find "$out" \( -path '*/crashes/id:*' -o -path '*/hangs/id:*' \) -type f | while read -r f; do
    h=$(sha1sum "$f" | cut -c1-12)
    afl-tmin -i "$f" -o "$dest/crash-$h" -- "$bin" >/dev/null 2>&1 || cp "$f" "$dest/crash-$h"
  done
  echo "fuzz: $target: findings minimised into $dest/ (replay: $build/fuzz/replay/$target $dest)" >&2
  exit 1
fi
