#!/usr/bin/env bash
# HTTP throughput of Alongside's public routes against a bare axum handler,
# measured in the same run on this machine, printed as ratios. Loopback only;
# each measurement runs a fixed few seconds. Not a test: it asserts nothing.
#
#   bench/http.sh [SECONDS] [CONNECTIONS]
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-5}
connections=${2:-32}

if ! command -v wrk >/dev/null 2>&1; then
  echo "installing wrk (Debian package)"
  if [ "$(id -u)" = 0 ]; then apt-get install -y -qq wrk >/dev/null; else sudo apt-get install -y -qq wrk >/dev/null; fi
fi
cargo build --release --locked -p alongside -p alongside-bench >/dev/null 2>&1 || cargo build --release --locked -p alongside -p alongside-bench

free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
bare_port=$(free_port)
app_port=$(free_port)
data=$(mktemp -d)
# On two or more cores the servers get one core and wrk another, so the
# servers do not compete with the load generator and runs are comparable.
pin_server=(); pin_load=()
if [ "$(nproc)" -ge 2 ] && command -v taskset >/dev/null 2>&1; then pin_server=(taskset -c 1); pin_load=(taskset -c 0); fi
"${pin_server[@]}" target/release/bare-axum "$bare_port" &
bare=$!
ALONGSIDE_LOG=warn "${pin_server[@]}" target/release/alongside serve --bind "127.0.0.1:$app_port" --database-url "sqlite://$data/alongside.db" >"$data/server.log" 2>&1 &
app=$!
trap 'kill $bare $app 2>/dev/null; rm -rf "$data"' EXIT
for _ in $(seq 1 100); do
  curl -fsS "http://127.0.0.1:$app_port/healthz" >/dev/null 2>&1 && curl -fsS "http://127.0.0.1:$bare_port/" >/dev/null 2>&1 && break
  sleep 0.1
done
asset=$(curl -fsS "http://127.0.0.1:$app_port/sign-in" | grep -o '/assets/[0-9a-f]*/nhsuk.css' | head -1)

# Browsers ask for gzip; so does the benchmark.
rate() { "${pin_load[@]}" wrk -t1 -c"$connections" -d"${seconds}s" -H 'Accept-Encoding: gzip' "$1" | awk '/Requests\/sec/ {print $2}'; }

rounds=${ROUNDS:-3}
echo "cores: $(nproc); $connections connections; ${seconds}s per measurement; $rounds rounds; servers pinned to core 1, wrk to core 0 when there are two"
echo "Each route is measured right after the baseline, and the ratio is the median over the rounds, so drift of the machine cancels out."
median() { sort -g | awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
printf '%-40s %14s %14s %8s\n' route "requests/s" "baseline r/s" ratio
for route in /healthz / /sign-in "$asset" /metrics; do
  ratios=(); rates=(); bases=()
  for _ in $(seq 1 "$rounds"); do
    b=$(rate "http://127.0.0.1:$bare_port/")
    r=$(rate "http://127.0.0.1:$app_port$route")
    bases+=("$b"); rates+=("$r"); ratios+=("$(echo "$r / $b" | bc -l)")
  done
  printf '%-40s %14.0f %14.0f %8.2f\n' "alongside $route" \
    "$(printf '%s\n' "${rates[@]}" | median)" "$(printf '%s\n' "${bases[@]}" | median)" "$(printf '%s\n' "${ratios[@]}" | median)"
done
echo "targets: /healthz near 1.00; public pages (/, /sign-in, assets) 0.50 or more"
