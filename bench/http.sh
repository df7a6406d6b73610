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
target/release/bare-axum "$bare_port" &
bare=$!
ALONGSIDE_LOG=warn target/release/alongside serve --bind "127.0.0.1:$app_port" --database-url "sqlite://$data/alongside.db" >"$data/server.log" 2>&1 &
app=$!
trap 'kill $bare $app 2>/dev/null; rm -rf "$data"' EXIT
for _ in $(seq 1 100); do
  curl -fsS "http://127.0.0.1:$app_port/healthz" >/dev/null 2>&1 && curl -fsS "http://127.0.0.1:$bare_port/" >/dev/null 2>&1 && break
  sleep 0.1
done
asset=$(curl -fsS "http://127.0.0.1:$app_port/sign-in" | grep -o '/assets/[0-9a-f]*/nhsuk.css' | head -1)

rate() { wrk -t2 -c"$connections" -d"${seconds}s" "$1" | awk '/Requests\/sec/ {print $2}'; }

echo "cores: $(nproc); $connections connections; ${seconds}s per route; wrk and both servers share the machine"
baseline=$(rate "http://127.0.0.1:$bare_port/")
printf '%-34s %12s %8s\n' route requests/s ratio
printf '%-34s %12.0f %8s\n' "bare axum handler (baseline)" "$baseline" "1.00"
for route in /healthz / /sign-in "$asset" /metrics; do
  r=$(rate "http://127.0.0.1:$app_port$route")
  printf '%-34s %12.0f %8.2f\n' "alongside $route" "$r" "$(echo "$r / $baseline" | bc -l)"
done
echo "targets: /healthz near 1.00; public pages (/, /sign-in, assets) 0.50 or more"
