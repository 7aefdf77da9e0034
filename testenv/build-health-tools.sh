#!/usr/bin/env bash
# Builds our two GitOps health readers from testenv/go/health (Go module proxy only):
#   argocd-health  Argo CD's Lua health check, run as Argo CD runs it (gopher-lua)
#   kstatus        sigs.k8s.io/cli-utils kstatus, as Flux reads a resource's status
# Versions are pinned by testenv/go/health/go.mod + go.sum.
#
# Output: ${SCHEMAGATE_CACHE:-$HOME/.cache/schemagate}/health/<hash of the module's files>-<os>-<arch>/
# The directory path is the LAST line on stdout; progress goes to stderr:
#   DIR=$(testenv/build-health-tools.sh | tail -1)
# Returns at once when that directory is complete: a change to any file of the module is a new hash.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
src="$here/go/health"
log() { echo "[testenv] $*" >&2; }
die() { echo "[testenv] ERROR: $*" >&2; exit 1; }

os=$(uname -s | tr '[:upper:]' '[:lower:]')
case "$(uname -m)" in
  x86_64|amd64) arch=amd64 ;;
  aarch64|arm64) arch=arm64 ;;
  *) arch=$(uname -m) ;;
esac
# The hash covers what decides the binaries: go.mod, go.sum and the sources (sorted by path).
key=$(cd "$src" && find . -type f \( -name '*.go' -o -name go.mod -o -name go.sum \) | LC_ALL=C sort \
        | xargs sha256sum | sha256sum | cut -c1-16)
cache_root="${SCHEMAGATE_CACHE:-${HOME:?HOME or SCHEMAGATE_CACHE must be set}/.cache/schemagate}"
root="$cache_root/health"
out_dir="$root/$key-$os-$arch"
binaries=(argocd-health kstatus)

is_complete() {
  local b
  for b in "${binaries[@]}"; do [[ -x "$out_dir/$b" ]] || return 1; done
}
if is_complete; then
  echo "$out_dir"
  exit 0
fi

command -v go >/dev/null || die "go is not on PATH (needed to build ${binaries[*]})"
export GOTOOLCHAIN=local GOWORK=off CGO_ENABLED=0
export GOFLAGS="-mod=readonly -buildvcs=false -trimpath -p=2"

mkdir -p "$root"
exec 9>"$root/.lock"
flock 9
if is_complete; then
  echo "$out_dir"  # another process built it while we waited
  exit 0
fi
rm -rf "$root/.tmp-"*
tmp_dir=$(mktemp -d "$root/.tmp-$key.XXXXXX")
trap 'rm -rf "$tmp_dir"' EXIT
export GOTMPDIR="$tmp_dir/.gotmp"
mkdir -p "$GOTMPDIR"

t0=$(date +%s)
go -C "$src" mod download || die "go mod download failed in $src"
t1=$(date +%s)
go -C "$src" build -ldflags "-s -w" -o "$tmp_dir/" ./argocd-health ./kstatus || die "go build failed in $src"
t2=$(date +%s)
log "health tools: download $((t1 - t0))s, compile $((t2 - t1))s"

rm -rf "$GOTMPDIR"
chmod 755 "$tmp_dir"
rm -rf "$out_dir"
mv "$tmp_dir" "$out_dir"
echo "$out_dir"
