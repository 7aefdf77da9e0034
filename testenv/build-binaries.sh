#!/usr/bin/env bash
# Builds the local Kubernetes control plane used by the tests from Go modules:
#   kube-apiserver, kube-controller-manager, kube-scheduler, kubectl  (k8s.io/kubernetes)
#   etcd                                              (go.etcd.io/etcd/server/v3)
#   helm                                              (helm.sh/helm/v3)
# and, with --promtool only, promtool                 (github.com/prometheus/prometheus)
# and, with --kubelet only, kubelet and pause          (k8s.io/kubernetes: cmd/kubelet, and
#                                                      build/pause/linux/pause.c with gcc -static)
# Versions come from testenv/versions.env only.
#
# Output: ${SCHEMAGATE_CACHE:-$HOME/.cache/schemagate}/k8s/<KUBERNETES_VERSION>-<os>-<arch>/
# (the layout fabric8 kube-api-test expects with SCHEMAGATE_CACHE as its directory),
# with --promtool: .../promtool/<PROMETHEUS_VERSION>-<os>-<arch>/ (a set of its own, built only
# for the tests that check the chart's alert rules, so the control plane's stamp stays as it is),
# with --kubelet: .../kubelet/<KUBERNETES_VERSION>-<os>-<arch>/ (a set of its own for the same
# reason: only the tests that run a real node need it, and it takes ~10 min to build).
# The directory path is the LAST line on stdout; progress goes to stderr:
#   DIR=$(testenv/build-binaries.sh | tail -1)
#
# Usage: build-binaries.sh [--promtool|--kubelet] [--oldest] [--force] [--sync]
#   --promtool  build promtool instead of the control plane
#   --kubelet   build the kubelet and the pause binary instead of the control plane
#   --oldest    the oldest supported Kubernetes (KUBERNETES_OLDEST_VERSION, wrapper go/kubernetes-oldest)
#               instead of KUBERNETES_VERSION, for the control plane or the kubelet (testenv/matrix)
#   --force  rebuild even if the stamp matches
#   --sync   only rewrite testenv/go/*/go.mod + go.sum from versions.env (go mod tidy); no build
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
force=0
sync=0
oldest=0
set=k8s
for arg in "$@"; do
  case "$arg" in
    --force) force=1 ;;
    --sync) sync=1 ;;
    --promtool) set=promtool ;;
    --kubelet) set=kubelet ;;
    --oldest) oldest=1 ;;
    -h|--help) sed -n '2,26p' "${BASH_SOURCE[0]}" >&2; exit 0 ;;
    *) echo "build-binaries.sh: unknown argument: $arg" >&2; exit 2 ;;
  esac
done

log() { echo "[testenv] $*" >&2; }
die() { echo "[testenv] ERROR: $*" >&2; exit 1; }

# --- versions -------------------------------------------------------------
versions_file="$here/versions.env"
[[ -f "$versions_file" ]] || die "missing $versions_file"
KUBERNETES_VERSION=; KUBERNETES_OLDEST_VERSION=; ETCD_VERSION=; HELM_VERSION=; PROMETHEUS_VERSION=
while IFS='=' read -r key value; do
  case "$key" in
    KUBERNETES_VERSION|KUBERNETES_OLDEST_VERSION|ETCD_VERSION|HELM_VERSION|PROMETHEUS_VERSION) printf -v "$key" '%s' "$value" ;;
  esac
done < <(grep -E '^[A-Z_]+=' "$versions_file" | tr -d '\r ')
[[ -n "$KUBERNETES_VERSION" && -n "$KUBERNETES_OLDEST_VERSION" && -n "$ETCD_VERSION" && -n "$HELM_VERSION" && -n "$PROMETHEUS_VERSION" ]] \
  || die "versions.env must set KUBERNETES_VERSION, KUBERNETES_OLDEST_VERSION, ETCD_VERSION, HELM_VERSION and PROMETHEUS_VERSION"
# The Kubernetes wrapper module of the version built: each version has its own go.mod and go.sum.
kubernetes_wrapper=kubernetes
if [[ $oldest == 1 ]]; then
  [[ $set != promtool ]] || die "--oldest applies to the control plane and the kubelet"
  KUBERNETES_VERSION=$KUBERNETES_OLDEST_VERSION
  kubernetes_wrapper=kubernetes-oldest
fi

# --- output directory -----------------------------------------------------
os=$(uname -s | tr '[:upper:]' '[:lower:]')
case "$(uname -m)" in
  x86_64|amd64) arch=amd64 ;;
  aarch64|arm64) arch=arm64 ;;
  *) arch=$(uname -m) ;;
esac
cache_root="${SCHEMAGATE_CACHE:-${HOME:?HOME or SCHEMAGATE_CACHE must be set}/.cache/schemagate}"
if [[ $set == promtool ]]; then
  set_root="$cache_root/promtool"
  set_name="$PROMETHEUS_VERSION-$os-$arch"
  stamp_content="PROMETHEUS_VERSION=$PROMETHEUS_VERSION"
  binaries=(promtool)
elif [[ $set == kubelet ]]; then
  set_root="$cache_root/kubelet"
  set_name="$KUBERNETES_VERSION-$os-$arch"
  stamp_content="KUBERNETES_VERSION=$KUBERNETES_VERSION"
  binaries=(kubelet pause)
else
  set_root="$cache_root/k8s"
  set_name="$KUBERNETES_VERSION-$os-$arch"
  stamp_content="KUBERNETES_VERSION=$KUBERNETES_VERSION
ETCD_VERSION=$ETCD_VERSION
HELM_VERSION=$HELM_VERSION"
  binaries=(kube-apiserver kube-controller-manager kube-scheduler kubectl etcd helm)
fi
out_dir="$set_root/$set_name"
stamp_name=.schemagate-versions

is_complete() { # dir -> 0 if every binary and a matching stamp are there
  local d=$1 b
  for b in "${binaries[@]}"; do [[ -x "$d/$b" ]] || return 1; done
  [[ -f "$d/$stamp_name" && "$(cat "$d/$stamp_name")" == "$stamp_content" ]]
}

if [[ $force == 0 && $sync == 0 ]] && is_complete "$out_dir"; then
  echo "$out_dir"
  exit 0
fi

if [[ $set == kubelet && $sync == 0 ]] && ! command -v gcc >/dev/null; then
  die "the pause binary needs gcc (and libc6-dev): see testenv/prerequisites.sh"
fi

# --- Go environment -------------------------------------------------------
# Go >= 1.26 on PATH, fetched from the Go module proxy into the cache when missing or older.
# shellcheck source=prerequisites.sh
source "$here/prerequisites.sh"
prerequisites_go
export GOTOOLCHAIN=local GOWORK=off CGO_ENABLED=0
export GOFLAGS="-mod=readonly -buildvcs=false -trimpath -p=2"
gomod_dir() { if [[ $1 == kubernetes ]]; then echo "$here/go/$kubernetes_wrapper"; else echo "$here/go/$1"; fi; }

# Required version of a module in a wrapper go.mod ("" if absent).
required_version() { # wrapper module-path
  awk -v m="$2" '$1=="require" && $2==m {print $3} $1==m && $2 ~ /^v/ {print $2; exit}' "$(gomod_dir "$1")/go.mod" 2>/dev/null | head -1
}

# Prometheus 3.x is published as Go module v0.3xx.y: 3.16.0 -> v0.316.0.
prometheus_module_version() {
  local major=${PROMETHEUS_VERSION%%.*} rest=${PROMETHEUS_VERSION#*.}
  printf 'v0.%d%02d.%s' "$major" "${rest%%.*}" "${rest#*.}"
}

sync_wrappers() {
  local kdir edir hdir pdir kmod minor_patch
  kdir=$(gomod_dir kubernetes); mkdir -p "$kdir"; edir=$(gomod_dir etcd); hdir=$(gomod_dir helm); pdir=$(gomod_dir prometheus)
  log "sync: resolving k8s.io/kubernetes v$KUBERNETES_VERSION go.mod"
  local scratch; scratch=$(mktemp -d)
  kmod=$(cd "$scratch" && GOFLAGS= go mod download -json "k8s.io/kubernetes@v$KUBERNETES_VERSION" \
           | sed -n 's/^[[:space:]]*"GoMod": "\(.*\)",*$/\1/p') || true
  rmdir "$scratch"
  [[ -f "$kmod" ]] || die "could not download go.mod of k8s.io/kubernetes@v$KUBERNETES_VERSION"
  minor_patch=${KUBERNETES_VERSION#*.}   # 1.34.4 -> 34.4; staging modules are v0.34.4
  {
    echo "// Generated by testenv/build-binaries.sh --sync from testenv/versions.env. Do not edit."
    echo "// Wrapper module building kube-apiserver, kube-controller-manager, kube-scheduler and kubectl."
    echo "module schemagate.local/testenv/$kubernetes_wrapper"
    echo
    sed -n 's/^go \(.*\)$/go \1/p' "$kmod" | head -1
    echo
    grep -E '^godebug ' "$kmod" || true
    echo
    echo "require k8s.io/kubernetes v$KUBERNETES_VERSION"
    echo
    echo "// k8s.io/kubernetes replaces its staging modules with ./staging/src/...; point them at the published tags."
    echo "replace ("
    awk '/^replace \(/ {inb=1; next} inb && /^\)/ {inb=0} inb && $2=="=>" && $3 ~ /^\.\/staging\// {print $1}' "$kmod" \
      | while read -r m; do printf '\t%s => %s v0.%s\n' "$m" "$m" "$minor_patch"; done
    echo ")"
  } > "$kdir/go.mod.new"
  grep -q '=> k8s.io/api v0' "$kdir/go.mod.new" || die "no staging replace block found in $kmod"
  mv "$kdir/go.mod.new" "$kdir/go.mod"
  if [[ $oldest == 1 ]]; then
    # The same commands pinned as for the newest version.
    cp "$here/go/kubernetes/tools.go" "$kdir/tools.go"
    log "sync: go mod tidy in ${kdir#"$here"/}"
    rm -f "$kdir/go.sum"
    (cd "$kdir" && GOFLAGS=-mod=mod go mod tidy) || die "go mod tidy failed in $kdir"
    return
  fi

  printf '%s\n' "// Generated by testenv/build-binaries.sh --sync from testenv/versions.env. Do not edit." \
    "// Wrapper module building etcd." "module schemagate.local/testenv/etcd" "" "go 1.26.0" "" \
    "require go.etcd.io/etcd/server/v3 v$ETCD_VERSION" > "$edir/go.mod"
  printf '%s\n' "// Generated by testenv/build-binaries.sh --sync from testenv/versions.env. Do not edit." \
    "// Wrapper module building helm." "module schemagate.local/testenv/helm" "" "go 1.26.0" "" \
    "require helm.sh/helm/v3 v$HELM_VERSION" > "$hdir/go.mod"
  printf '%s\n' "// Generated by testenv/build-binaries.sh --sync from testenv/versions.env. Do not edit." \
    "// Wrapper module building promtool." "module schemagate.local/testenv/prometheus" "" "go 1.26.0" "" \
    "require github.com/prometheus/prometheus $(prometheus_module_version)" > "$pdir/go.mod"

  local d
  for d in "$kdir" "$edir" "$hdir" "$pdir"; do
    log "sync: go mod tidy in ${d#"$here"/}"
    rm -f "$d/go.sum"
    (cd "$d" && GOFLAGS=-mod=mod go mod tidy) || die "go mod tidy failed in $d"
  done
}

if [[ $sync == 1 ]]; then
  sync_wrappers
  log "sync done; now run $0 to build"
  exit 0
fi

# The wrappers must pin exactly what versions.env says.
[[ "$(required_version kubernetes k8s.io/kubernetes)" == "v$KUBERNETES_VERSION" ]] \
  || die "testenv/go/kubernetes/go.mod does not require k8s.io/kubernetes v$KUBERNETES_VERSION: run $0 --sync"
[[ "$(required_version etcd go.etcd.io/etcd/server/v3)" == "v$ETCD_VERSION" ]] \
  || die "testenv/go/etcd/go.mod does not require go.etcd.io/etcd/server/v3 v$ETCD_VERSION: run $0 --sync"
[[ "$(required_version helm helm.sh/helm/v3)" == "v$HELM_VERSION" ]] \
  || die "testenv/go/helm/go.mod does not require helm.sh/helm/v3 v$HELM_VERSION: run $0 --sync"
[[ "$(required_version prometheus github.com/prometheus/prometheus)" == "$(prometheus_module_version)" ]] \
  || die "testenv/go/prometheus/go.mod does not require github.com/prometheus/prometheus $(prometheus_module_version): run $0 --sync"

# --- lock, then build into a temp dir and move it in place ---------------------
mkdir -p "$set_root"
exec 9>"$set_root/.lock-$set_name"
if command -v flock >/dev/null; then
  flock 9
  if [[ $force == 0 ]] && is_complete "$out_dir"; then
    echo "$out_dir"  # another process finished the build while we waited
    exit 0
  fi
fi

# Leftovers of a build that was killed hard (we hold the lock, so nobody else uses them).
if command -v flock >/dev/null; then rm -rf "$set_root/.tmp-$set_name."*; fi
tmp_dir=$(mktemp -d "$set_root/.tmp-$set_name.XXXXXX")
old_dir=
cleanup() { rm -rf "$tmp_dir" ${old_dir:+"$old_dir"}; }
trap cleanup EXIT
child=
# Run a command in the background and wait, so that a signal to this script also stops the go command.
run() { local rc=0; "$@" & child=$!; wait "$child" || rc=$?; child=; return "$rc"; }
trap '[[ -n "$child" ]] && kill "$child" 2>/dev/null; exit 130' INT TERM HUP
# go's own work dir goes inside tmp_dir, so that it is removed too when the build is killed.
export GOTMPDIR="$tmp_dir/.gotmp"
mkdir -p "$GOTMPDIR"

now() { date +%s; }
build_date=$(date -u +%Y-%m-%dT%H:%M:%SZ)
total_start=$(now)

# Old set's stamp, used to reuse binaries of components whose version did not change.
old_stamp=
[[ $force == 0 && -f "$out_dir/$stamp_name" ]] && old_stamp=$(cat "$out_dir/$stamp_name")
can_reuse() { # stamp-line bin...
  local line=$1 b; shift
  grep -qxF "$line" <<<"$old_stamp" || return 1
  for b in "$@"; do [[ -x "$out_dir/$b" ]] || return 1; done
}

# build_group NAME STAMP-LINE LDFLAGS PACKAGES... (binaries named after the last path element)
build_group() {
  local name=$1 line=$2 ldflags=$3; shift 3
  local pkgs=("$@") bins=() p t0 t1 t2
  for p in "${pkgs[@]}"; do
    case "$p" in
      go.etcd.io/etcd/server/v3) bins+=(etcd) ;;
      *) bins+=("${p##*/}") ;;
    esac
  done
  if can_reuse "$line" "${bins[@]}"; then
    log "$name: reusing ${bins[*]} from $out_dir"
    for p in "${bins[@]}"; do cp -p "$out_dir/$p" "$tmp_dir/$p"; done
    return
  fi
  local dir; dir=$(gomod_dir "$name")
  t0=$(now)
  log "$name: go mod download"
  run go -C "$dir" mod download || die "$name: go mod download failed"
  t1=$(now)
  log "$name: go build ${bins[*]}"
  if [[ ${#pkgs[@]} == 1 ]]; then
    run go -C "$dir" build -ldflags "$ldflags" -o "$tmp_dir/${bins[0]}" "${pkgs[0]}" || die "$name: go build failed"
  else
    run go -C "$dir" build -ldflags "$ldflags" -o "$tmp_dir/" "${pkgs[@]}" || die "$name: go build failed"
  fi
  t2=$(now)
  log "$name: download $((t1 - t0))s, compile $((t2 - t1))s"
}

k8s_minor=${KUBERNETES_VERSION#*.}; k8s_minor=${k8s_minor%%.*}
k8s_ldflags="-s -w"
for pkg in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
  k8s_ldflags+=" -X $pkg.gitVersion=v$KUBERNETES_VERSION -X $pkg.gitMajor=${KUBERNETES_VERSION%%.*}"
  k8s_ldflags+=" -X $pkg.gitMinor=$k8s_minor -X $pkg.gitTreeState=clean -X $pkg.buildDate=$build_date -X $pkg.gitCommit="
done
if [[ $set == promtool ]]; then
  prom_ldflags="-s -w"
  for var in Version=$PROMETHEUS_VERSION Branch=HEAD BuildUser=schemagate BuildDate=$build_date; do
    prom_ldflags+=" -X github.com/prometheus/common/version.$var"
  done
  build_group prometheus "PROMETHEUS_VERSION=$PROMETHEUS_VERSION" "$prom_ldflags" github.com/prometheus/prometheus/cmd/promtool
  "$tmp_dir/promtool" --version | grep -qF "version $PROMETHEUS_VERSION" || die "promtool --version is not $PROMETHEUS_VERSION"
elif [[ $set == kubelet ]]; then
  build_group kubernetes "KUBERNETES_VERSION=$KUBERNETES_VERSION" "$k8s_ldflags" k8s.io/kubernetes/cmd/kubelet
  "$tmp_dir/kubelet" --version | grep -qF "v$KUBERNETES_VERSION" || die "kubelet --version is not v$KUBERNETES_VERSION"
  # The sandbox ("pause") container's binary, as the kubelet's own build makes it (build/pause/Makefile).
  pause_source="$(go -C "$(gomod_dir kubernetes)" list -m -f '{{.Dir}}' k8s.io/kubernetes)/build/pause/linux/pause.c"
  [[ -f "$pause_source" ]] || die "no $pause_source"
  run gcc -Os -Wall -Werror -static "-DVERSION=v$KUBERNETES_VERSION" -o "$tmp_dir/pause" "$pause_source" \
    || die "gcc -static pause.c failed"
  "$tmp_dir/pause" -v | grep -qF "v$KUBERNETES_VERSION" || die "pause -v is not v$KUBERNETES_VERSION"
else
  build_group kubernetes "KUBERNETES_VERSION=$KUBERNETES_VERSION" "$k8s_ldflags" \
    k8s.io/kubernetes/cmd/kube-apiserver k8s.io/kubernetes/cmd/kube-controller-manager k8s.io/kubernetes/cmd/kube-scheduler \
    k8s.io/kubernetes/cmd/kubectl

  build_group etcd "ETCD_VERSION=$ETCD_VERSION" "-s -w" go.etcd.io/etcd/server/v3

  # Like helm's Makefile: default Kubernetes version for `helm template`/lint = its client-go minor (v0.37.x -> 1.37).
  helm_client_go=$(required_version helm k8s.io/client-go); helm_client_go=${helm_client_go#v0.}
  helm_ldflags="-s -w -X helm.sh/helm/v3/internal/version.version=v$HELM_VERSION -X helm.sh/helm/v3/internal/version.gitTreeState=clean"
  if [[ -n "$helm_client_go" ]]; then
    for pkg in helm.sh/helm/v3/pkg/lint/rules helm.sh/helm/v3/pkg/chartutil; do
      helm_ldflags+=" -X $pkg.k8sVersionMajor=1 -X $pkg.k8sVersionMinor=${helm_client_go%%.*}"
    done
  fi
  build_group helm "HELM_VERSION=$HELM_VERSION" "$helm_ldflags" helm.sh/helm/v3/cmd/helm

  # Sanity check before publishing the set.
  "$tmp_dir/kube-apiserver" --version | grep -qF "v$KUBERNETES_VERSION" || die "kube-apiserver --version is not v$KUBERNETES_VERSION"
  "$tmp_dir/etcd" --version | grep -qF "etcd Version: $ETCD_VERSION" || die "etcd --version is not $ETCD_VERSION"
  "$tmp_dir/helm" version --short | grep -qF "v$HELM_VERSION" || die "helm version is not v$HELM_VERSION"
fi

rm -rf "$GOTMPDIR"
printf '%s\n' "$stamp_content" > "$tmp_dir/$stamp_name"
chmod 755 "$tmp_dir"
if [[ -e "$out_dir" ]]; then
  old_dir="$tmp_dir.old"
  mv "$out_dir" "$old_dir"
fi
mv "$tmp_dir" "$out_dir"
log "built ${binaries[*]} in $(( $(now) - total_start ))s"
echo "$out_dir"
