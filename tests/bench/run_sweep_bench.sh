#!/usr/bin/env bash
# Peak memory and time of `tcw sweep` over the whole 7,425,000-design elector space
# (BERT-Tiny), one process (1 and 2 threads) and under mpirun with 2 and 3 ranks, each run
# printed with the load average beside it (the machine may be shared), then the medians.
# Not part of ctest.
# Usage: tests/bench/run_sweep_bench.sh [TCW] [RUNS] [--out]   (TCW default build/app/cli/tcw;
#        RUNS per case, default 1; --out also writes the CSV, to a temporary folder)
# Peak RSS is GNU time's "Maximum resident set size" (the largest rank's under mpirun).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
tcw="${1:-$here/../../build/app/cli/tcw}"
runs="${2:-1}"
withOut="${3:-}"
if [ ! -x "$tcw" ]; then
  echo "error: $tcw not found; build it: cmake --build build --target tcw" >&2
  exit 2
fi
[ -x /usr/bin/time ] || { echo "error: /usr/bin/time is missing (apt-get install time)" >&2; exit 2; }
export TCW_DATA_DIR="${TCW_DATA_DIR:-$here/../../data}"
export OMPI_MCA_btl="${OMPI_MCA_btl:-self,vader}" # one host
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
asRoot=()
[ "$(id -u)" -eq 0 ] && asRoot=(--allow-run-as-root)

median() { sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

measure() { # label, command...: RUNS runs, each printed with the load, then the medians
  local label="$1"; shift
  local rates=() peaks=()
  for r in $(seq "$runs"); do
    local out=()
    [ "$withOut" = "--out" ] && out=(--out "$tmp/sweep.csv")
    "$@" "${out[@]}" > "$tmp/stdout" 2> "$tmp/stderr" || { cat "$tmp/stderr" >&2; exit 1; }
    local rss wall rate
    rss=$(grep "Maximum resident set size" "$tmp/stderr" | awk '{print $NF}' | sort -n | tail -1)
    wall=$(grep "Elapsed (wall clock)" "$tmp/stderr" | head -1 | awk '{print $NF}')
    rate=$(grep -o '[0-9]* per second' "$tmp/stdout" | head -1)
    rates+=("${rate%% *}")
    peaks+=("$(awk -v k="$rss" 'BEGIN{print k/1024}')")
    printf '%-28s run %d  peak RSS %7.1f MB  wall %8s  %s  (load %s)\n' "$label" "$r" "$(awk -v k="$rss" 'BEGIN{print k/1024}')" \
      "$wall" "$rate" "$(cut -d' ' -f1-3 /proc/loadavg)"
  done
  printf '%-28s median over %d runs: %s designs per second, peak RSS %s MB (largest run %s MB)\n' "$label" "$runs" \
    "$(printf '%s\n' "${rates[@]}" | median)" "$(printf '%s\n' "${peaks[@]}" | median)" \
    "$(printf '%s\n' "${peaks[@]}" | sort -g | tail -1)"
}

echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) cores"
measure "one process, 1 thread" /usr/bin/time -v "$tcw" sweep --model bert-tiny --all --threads 1
measure "one process, 2 threads" /usr/bin/time -v "$tcw" sweep --model bert-tiny --all --threads 2
if command -v mpirun >/dev/null; then
  for n in 2 3; do
    measure "mpirun -n $n, 1 thread/rank" mpirun "${asRoot[@]}" --oversubscribe -n "$n" \
      /usr/bin/time -v "$tcw" sweep --model bert-tiny --all --threads 1
  done
else
  echo "mpirun not found (apt-get install openmpi-bin): MPI cases skipped"
fi
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
