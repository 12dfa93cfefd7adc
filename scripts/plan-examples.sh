#!/usr/bin/env bash
# The main job on a fresh machine: `reconciler plan` over the bundled example config repo
# (examples/config) against a self-contained live world (examples/world): a real Knot DNS server
# on 127.0.0.1 serving the example zones, and one HTTPS policy host per domain (openssl s_server
# on 127.0.0.11-14) with certificates from a CA made now. Nothing leaves the machine.
#
#   scripts/plan-examples.sh [plan options...]     e.g. --format json, --domain kantoorpost.nl
#
# The world has planted drift, so the plan reports drift (exit 2) for two domains; this script
# exits 0 when the plan ran (exit 0 or 2) and 1 when it could not decide.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"

need=()
[ -x /usr/sbin/knotd ] || need+=(knot)
command -v openssl >/dev/null 2>&1 || need+=(openssl)
if [ ${#need[@]} -gt 0 ]; then
  if [ "$(id -u)" -ne 0 ]; then sudo=sudo; else sudo=; fi
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi
command -v dotnet >/dev/null 2>&1 || { echo "the .NET 10 SDK (dotnet) is required" >&2; exit 1; }

work=$(mktemp -d)
pids=()
# Stop the servers and wait for them before removing their files (knotd writes its timers on the way out).
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
  rm -rf "$work" 2>/dev/null || true
}
trap cleanup EXIT

dotnet build src/Reconciler.Host -c Release --nologo -v:q -o "$work/bin" >"$work/build.log" 2>&1 \
  || { cat "$work/build.log" >&2; echo "the build failed" >&2; exit 1; }

# A test CA and one leaf certificate per policy host.
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 -subj "/CN=Reconciler example CA" \
  -keyout "$work/ca.key" -out "$work/ca.pem" 2>/dev/null
port=$(( 20000 + RANDOM % 20000 ))
policy_port=$(( 40000 + RANDOM % 20000 ))
for dir in examples/world/policies/*/; do
  domain=$(basename "$dir")
  host="mta-sts.$domain"
  openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj "/CN=$host" \
    -keyout "$work/$domain.key" -out "$work/$domain.csr" 2>/dev/null
  printf 'subjectAltName=DNS:%s\n' "$host" > "$work/$domain.ext"
  openssl x509 -req -in "$work/$domain.csr" -CA "$work/ca.pem" -CAkey "$work/ca.key" -CAcreateserial \
    -days 2 -extfile "$work/$domain.ext" -out "$work/$domain.pem" 2>/dev/null
  addr=$(awk '$1 == "mta-sts" && $2 == "A" { print $3 }' "examples/world/zones/$domain.zone")
  (cd "$dir" && exec openssl s_server -quiet -WWW -accept "$addr:$policy_port" \
     -cert "$work/$domain.pem" -key "$work/$domain.key" >/dev/null 2>&1) &
  pids+=($!)
done

# Knot serving every zone of the world.
mkdir -p "$work/knot"
cp examples/world/zones/*.zone "$work/knot/"
{
  echo "server:"
  echo "    listen: 127.0.0.1@$port"
  echo "    rundir: \"$work/knot\""
  echo "    pidfile: \"$work/knot/knot.pid\""
  echo "database:"
  echo "    storage: \"$work/knot\""
  echo "log:"
  echo "  - target: stderr"
  echo "    any: error"
  echo "template:"
  echo "  - id: default"
  echo "    storage: \"$work/knot\""
  echo "    file: \"%s.zone\""
  echo "    journal-content: none"
  echo "    zonefile-sync: -1"
  echo "zone:"
  for z in examples/world/zones/*.zone; do echo "  - domain: $(basename "$z" .zone)"; done
} > "$work/knot.conf"
/usr/sbin/knotd -c "$work/knot.conf" &
pids+=($!)
for _ in $(seq 1 100); do
  if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then break; fi
  sleep 0.1
done

set +e
dotnet "$work/bin/reconciler.dll" plan --repo examples/config --dns "127.0.0.1:$port" \
  --policy-port "$policy_port" --ca-file "$work/ca.pem" "$@"
rc=$?
set -e
case $rc in
  0) echo "plan: in sync (exit 0)" >&2; exit 0 ;;
  2) echo "plan: drift found (exit 2), as planted in examples/world" >&2; exit 0 ;;
  *) echo "plan: could not decide (exit $rc)" >&2; exit 1 ;;
esac
