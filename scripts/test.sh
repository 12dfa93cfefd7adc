#!/usr/bin/env bash
# Runs every test on a fresh machine: installs what the tests need (Knot DNS, the .NET SDK check),
# builds, runs the unit and integration tests, and prints one closing "N passed, N failed" line.
set -euo pipefail
cd "$(dirname "$0")/.."

need=()
command -v knotd >/dev/null 2>&1 || [ -x /usr/sbin/knotd ] || need+=(knot)
command -v kdig >/dev/null 2>&1 || need+=(knot-dnsutils)
command -v openssl >/dev/null 2>&1 || need+=(openssl)
command -v git >/dev/null 2>&1 || need+=(git)
# The native CLI's test publishes it ahead of time: that links with clang or gcc.
command -v clang >/dev/null 2>&1 || command -v gcc >/dev/null 2>&1 || need+=(gcc)
if [ ${#need[@]} -gt 0 ]; then
  echo "installing: ${need[*]}"
  if [ "$(id -u)" -ne 0 ]; then sudo=sudo; else sudo=; fi
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi
command -v dotnet >/dev/null 2>&1 || { echo "the .NET 10 SDK (dotnet) is required" >&2; exit 1; }

# The 1,000-domain end-to-end plan runs too (about 10 s); unset it locally for a quicker loop.
export RECONCILER_SLOW_TESTS="${RECONCILER_SLOW_TESTS:-1}"

log=$(mktemp)
set +e
dotnet test Reconciler.sln -c Release --nologo 2>&1 | tee "$log"
rc=${PIPESTATUS[0]}
set -e
sum() { { grep -oE "$1: +[0-9]+" "$log" || true; } | awk '{ n += $2 } END { print n + 0 }'; }
passed=$(sum Passed)
failed=$(sum Failed)
rm -f "$log"
echo "tests: ${passed} passed, ${failed} failed"
exit "$rc"
