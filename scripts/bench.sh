#!/usr/bin/env bash
# The benchmark: plans N generated domains (default 1,000 and 10,000) against a real Knot and a
# Kestrel policy host on loopback, and measures in the same run the floor those servers allow
# (dnsperf over the observer's exact query mix; a raw-SslStream client over the same policy URLs).
# Both builds plan in each round: the native CLI (src/Reconciler.Cli, compiled ahead of time) and the
# full build (src/Reconciler.Host, JIT). Then, in the same round, the Node.js peer (bench/node-peer:
# the mailauth library's MTA-STS, SPF, DMARC and DKIM checks) over the same servers.
# Usage: scripts/bench.sh [N ...] [--concurrency C] [--rounds R]   (3 rounds of floor-then-plan by default)
# Prints a Markdown table and the targets; exits non-zero only when it could not run.
set -euo pipefail
cd "$(dirname "$0")/.."

need=()
[ -x /usr/sbin/knotd ] || need+=(knot)
command -v knotc >/dev/null 2>&1 || need+=(knot)
command -v dnsperf >/dev/null 2>&1 || need+=(dnsperf)
[ -x /usr/bin/time ] || need+=(time)
command -v clang >/dev/null 2>&1 || command -v gcc >/dev/null 2>&1 || need+=(gcc)
command -v node >/dev/null 2>&1 || need+=(nodejs)
command -v npm >/dev/null 2>&1 || need+=(npm)
if [ ${#need[@]} -gt 0 ]; then
  echo "installing: ${need[*]}" >&2
  if [ "$(id -u)" -ne 0 ]; then sudo=sudo; else sudo=; fi
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi
command -v dotnet >/dev/null 2>&1 || { echo "the .NET 10 SDK (dotnet) is required" >&2; exit 1; }

dotnet build bench/Reconciler.Bench -c Release --nologo -v quiet >&2
# The native CLI links with clang or, without it, gcc (both from Debian; gcc is on every machine here).
native=bench/Reconciler.Bench/bin/native
dotnet publish src/Reconciler.Cli -c Release -r linux-x64 -o "$native" --nologo -v quiet >&2

# The Node.js peer's packages, as locked (mailauth asks for Node.js 22 in its manifest; it runs on 20).
npm ci --prefix bench/node-peer --no-audit --no-fund --loglevel=error >&2

# The bench process starts knotd and the policy host as its children and stops them on exit;
# this trap is the backstop for an interrupted run.
pgid=
cleanup() { if [ -n "$pgid" ]; then kill -TERM -- "-$pgid" 2>/dev/null || true; fi; }
trap cleanup EXIT INT TERM
set -m
dotnet bench/Reconciler.Bench/bin/Release/net10.0/reconciler-bench.dll run --native "$native/reconciler" --node-peer bench/node-peer "$@" &
pgid=$!
wait "$pgid"
