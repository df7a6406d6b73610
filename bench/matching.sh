#!/usr/bin/env bash
# Alongside's matching engine against OR-Tools' SimpleMinCostFlow and
# SciPy's assignment solvers on the same seeded instances, in one run on
# this machine. Checks that every solver reaches the same objective (people
# matched, total score) and prints time and peak memory with the ratio to
# the best peer. Not a test: it asserts nothing but agreement.
#
#   bench/matching.sh [SIZES...]      (default: dense region nation)
set -euo pipefail
cd "$(dirname "$0")/.."
sizes=("$@")
[ ${#sizes[@]} -gt 0 ] || sizes=(dense region nation)

if [ ! -x /usr/bin/time ]; then
  echo "installing time (Debian package)"
  if [ "$(id -u)" = 0 ]; then apt-get install -y -qq time >/dev/null; else sudo apt-get install -y -qq time >/dev/null; fi
fi
cargo build --release --locked -p alongside -p alongside-bench >/dev/null 2>&1 || cargo build --release --locked -p alongside -p alongside-bench
if [ ! -x bench/.venv/bin/python ]; then
  echo "making bench/.venv with OR-Tools and SciPy (PyPI)"
  python3 -m venv bench/.venv
  bench/.venv/bin/pip install -q "ortools==9.15.6755" "scipy==1.17.1" "numpy==2.4.6"
fi
mkdir -p bench/instances

# Runs a command under /usr/bin/time; prints "SECONDS KIB" of the solve (as
# the solver reports it) and the whole process's peak memory, and leaves the
# solver's JSON in $out.
measure() {
  local out=$1; shift
  local log; log=$(mktemp)
  /usr/bin/time -f "peak_kib %M" "$@" >"$out" 2>"$log"
  local seconds
  seconds=$(grep -oP 'solve_seconds \K[0-9.]+' "$log" || python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["seconds"])' "$out")
  echo "$seconds $(grep -oP 'peak_kib \K[0-9]+' "$log")"
  rm -f "$log"
}

objective() { python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(d["matched"], d["total_score"])' "$1"; }

echo "cores: $(nproc)"
printf '%-8s %-10s %9s %9s %10s %12s %12s %12s\n' size solver matched score seconds peak_MiB time_ratio mem_ratio
for size in "${sizes[@]}"; do
  file="bench/instances/$size.txt"
  [ -s "$file" ] || target/release/match-instance "$size" >"$file"
  declare -A secs=() mem=() obj=()
  for solver in alongside ortools scipy; do
    out=$(mktemp)
    if [ "$solver" = alongside ]; then
      read -r s m < <(measure "$out" target/release/alongside match solve "$file" --timing)
    else
      read -r s m < <(measure "$out" bench/.venv/bin/python bench/matching_peers.py "$solver" "$file")
    fi
    secs[$solver]=$s; mem[$solver]=$m; obj[$solver]=$(objective "$out")
    rm -f "$out"
  done
  for solver in ortools scipy; do
    if [ "${obj[$solver]}" != "${obj[alongside]}" ]; then
      echo "DISAGREEMENT on $size: alongside ${obj[alongside]}, $solver ${obj[$solver]}" >&2
      exit 1
    fi
  done
  best_time=$(python3 -c "print(min(${secs[ortools]}, ${secs[scipy]}))")
  best_mem=$(python3 -c "print(min(${mem[ortools]}, ${mem[scipy]}))")
  for solver in alongside ortools scipy; do
    read -r matched score <<<"${obj[$solver]}"
    python3 -c "
s, m, bt, bm = ${secs[$solver]}, ${mem[$solver]}, $best_time, $best_mem
print('%-8s %-10s %9d %9d %10.3f %12.1f %12.2f %12.2f' % ('$size', '$solver', $matched, $score, s, m / 1024, s / bt, m / bm))"
  done
  unset secs mem obj
done
echo "ratios: to the best of OR-Tools and SciPy on the same instance (below 1 is better); seconds count solving only, memory is each process's peak."
