#!/usr/bin/env bash
# Runs libFuzzer targets of a -DTCW_FUZZ=ON build over their seed corpora and prints, per
# target, the executions, crashes, timeouts, out-of-memory inputs and peak RSS. Exit status 1
# when any target found a crash, a timeout or an input over the memory limit.
#
#   run_fuzzers.sh [--build DIR] [--seeds DIR] [--runs N] [--timeout S] [--rss MB]
#                  [--out DIR] [--keep-going] [TARGET...]
#
# --build  the build tree (default build-sanitize); the targets are DIR/tests/fuzz/fuzz_*
# --seeds  the seed corpora, one folder per target (default DIR/tests/fuzz/seeds, written by
#          `cmake --build DIR --target fuzz_corpora`)
# --runs   executions per target (default 1000000); --timeout seconds per input (default 10);
#          --rss the memory limit in MB (default 1024; also the largest single allocation)
# --out    where each target's log, new corpus entries and crashing inputs go (default
#          DIR/tests/fuzz/runs/TARGET/{log,corpus,artifacts})
# --keep-going  fuzz on after a crash (libFuzzer's -fork=1 with crashes, timeouts and
#          out-of-memory inputs ignored) to find every distinct one; the counts come from
#          the fork's last status line.
# TARGET   document_json document_yaml search_json csv lesson checkpoint idx tsv workspace
#          (default: all of them)
set -uo pipefail

build=build-sanitize seeds= runs=1000000 timeout=10 rss=1024 out= keep_going=0
targets=()
while [ $# -gt 0 ]; do
  case $1 in
    --build) build=$2; shift 2 ;;
    --seeds) seeds=$2; shift 2 ;;
    --runs) runs=$2; shift 2 ;;
    --timeout) timeout=$2; shift 2 ;;
    --rss) rss=$2; shift 2 ;;
    --out) out=$2; shift 2 ;;
    --keep-going) keep_going=1; shift ;;
    -h|--help) sed -n '2,22p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    -*) echo "run_fuzzers.sh: unknown option $1" >&2; exit 2 ;;
    *) targets+=("$1"); shift ;;
  esac
done
[ ${#targets[@]} -gt 0 ] || targets=(document_json document_yaml search_json csv lesson checkpoint idx tsv workspace)
seeds=${seeds:-$build/tests/fuzz/seeds}
out=${out:-$build/tests/fuzz/runs}

# ASan: leaks are errors; stop at the first report. UBSan: stop and print a stack.
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:halt_on_error=1:abort_on_error=0}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-halt_on_error=1:print_stacktrace=1}
export OMP_NUM_THREADS=${OMP_NUM_THREADS:-1} OMP_WAIT_POLICY=${OMP_WAIT_POLICY:-PASSIVE}

status=0
printf '%-14s %12s %8s %8s %6s %6s %9s %8s\n' target executions crashes timeouts ooms leaks 'peak RSS' seconds
for t in "${targets[@]}"; do
  bin=$build/tests/fuzz/fuzz_$t
  if [ ! -x "$bin" ]; then
    echo "run_fuzzers.sh: $bin is not built (configure with -DTCW_FUZZ=ON)" >&2
    status=1
    continue
  fi
  if [ ! -d "$seeds/$t" ]; then
    echo "run_fuzzers.sh: no seed corpus $seeds/$t (build the fuzz_corpora target)" >&2
    status=1
    continue
  fi
  dir=$out/$t
  rm -rf "$dir"
  mkdir -p "$dir/corpus" "$dir/artifacts"
  args=(-runs="$runs" -rss_limit_mb="$rss" -timeout="$timeout" -print_final_stats=1
        -artifact_prefix="$dir/artifacts/" "$dir/corpus" "$seeds/$t")
  [ $keep_going = 1 ] && args=(-fork=1 -ignore_crashes=1 -ignore_timeouts=1 -ignore_ooms=1 "${args[@]}")
  start=$(date +%s)
  if [ -x /usr/bin/time ]; then
    /usr/bin/time -f 'tcw-fuzz-maxrss-kb %M' -o "$dir/time" nice "$bin" "${args[@]}" >"$dir/log" 2>&1
  else
    nice "$bin" "${args[@]}" >"$dir/log" 2>&1
  fi
  rc=$?
  seconds=$(($(date +%s) - start))
  count() { find "$dir/artifacts" -name "$1-*" | wc -l; }
  crashes=$(count crash) timeouts=$(count timeout) ooms=$(count oom) leaks=$(count leak)
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$dir/log" | tail -1)
  peak=$(sed -n 's/^stat::peak_rss_mb: *//p' "$dir/log" | tail -1)
  if [ $keep_going = 1 ]; then
    # "#N: cov: … exec/s: … oom/timeout/crash: a/b/c time: …" from the fork's parent.
    last=$(grep -E '^#[0-9]+: cov:' "$dir/log" | tail -1)
    execs=$(sed -E 's/^#([0-9]+):.*/\1/' <<<"$last")
    read -r fork_ooms fork_timeouts fork_crashes < <(sed -E 's|.*oom/timeout/crash: ([0-9]+)/([0-9]+)/([0-9]+).*|\1 \2 \3|' <<<"$last")
    # The fork's counts leave out inputs that failed while it merged the seeds: count
    # the saved inputs too.
    crashes=$((fork_crashes > crashes ? fork_crashes : crashes))
    timeouts=$((fork_timeouts > timeouts ? fork_timeouts : timeouts))
    ooms=$((fork_ooms > ooms ? fork_ooms : ooms))
  fi
  if [ -z "$peak" ] && [ -f "$dir/time" ]; then
    peak=$(($(sed -n 's/^tcw-fuzz-maxrss-kb //p' "$dir/time") / 1024))
  fi
  total=$((${crashes:-0} + ${timeouts:-0} + ${ooms:-0} + ${leaks:-0}))
  [ $keep_going = 0 ] && [ $rc -ne 0 ] && [ $total -eq 0 ] && crashes=1 total=1 # died without an artifact
  printf '%-14s %12s %8s %8s %6s %6s %7sMB %8s\n' "$t" "${execs:-?}" "${crashes:-0}" "${timeouts:-0}" "${ooms:-0}" \
    "${leaks:-0}" "${peak:-?}" "$seconds"
  if [ $total -gt 0 ]; then
    status=1
    grep -m1 -E '^==[0-9]+==ERROR|runtime error|ERROR: libFuzzer' "$dir/log" | sed 's/^/    /'
    find "$dir/artifacts" -type f | sed 's/^/    input: /' | head -5
    echo "    log: $dir/log"
  fi
done
exit $status
