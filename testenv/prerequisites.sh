# What ./demo and the tests need on a Debian or Ubuntu machine, installed or fetched where missing.
# Sourced (bash) by ./demo, .ci/run and testenv/build-binaries.sh:
#   source testenv/prerequisites.sh && prerequisites      # everything, in this order:
#   prerequisites_packages   Java 17 (a JDK), PostgreSQL's server binaries, runuser and setsid,
#                            python3-venv, curl, unzip, time, openssl, and for the real node containerd,
#                            runc, the CNI plugins, ip and iptables, gcc with libc6-dev (the pause
#                            binary) and busybox-static (an image's contents), debootstrap and the
#                            JDK's jmods (the operator's and the apps' images): apt-get install as root;
#                            otherwise it stops at once (exit 1) with the one command that would
#                            install them
#   prerequisites_go         Go >= 1.26 on PATH: the go on PATH if new enough, else the toolchain
#                            from the Go module proxy, checked against the SHA-256 below and kept in
#                            ${SCHEMAGATE_CACHE:-~/.cache/schemagate}/go (no root needed)
# Maven is ./mvnw's (.mvn/wrapper/maven-wrapper.properties pins its version and SHA-256).
# Messages go to stderr, prefixed "prerequisites:".

# The Go toolchain, as the go command itself downloads it (golang.org/toolchain on the module
# proxy). To move on: set the version, fetch each zip, put its sha256sum here.
PREREQUISITES_GO_VERSION=1.26.8
declare -A PREREQUISITES_GO_SHA256=(
  [linux-amd64]=30c2b1bf7dcc88d3eb0a1364e47ddd9128edb3110a30e8a0ef61cd5856b31de7
  [linux-arm64]=02b36b6787b3ac767668f630e2998df45a3b1f9ffee08d1bf3ef6487cd658d99
)
PREREQUISITES_GO_MIN=1.26

prerequisites_say() { echo "prerequisites: $*" >&2; }

prerequisites() {
  prerequisites_packages
  prerequisites_go
}

# A JDK >= 17: javac on PATH, else Debian's JDK 17 where it is installed but not on PATH.
prerequisites_jdk() {
  local javac_version
  if javac_version=$(javac -version 2>&1) && [[ $javac_version =~ ^javac\ ([0-9]+) ]] \
      && (( BASH_REMATCH[1] >= 17 )); then
    return 0
  fi
  local home
  for home in /usr/lib/jvm/java-17-openjdk-*; do
    if [[ -x $home/bin/javac ]]; then
      export JAVA_HOME=$home PATH=$home/bin:$PATH
      return 0
    fi
  done
  return 1
}

prerequisites_packages() {
  local missing=() why=()
  prerequisites_jdk || { missing+=(openjdk-17-jdk-headless); why+=("Java 17 (javac)"); }
  # Where testenv's LocalPostgres looks for initdb and pg_ctl.
  compgen -G "/usr/lib/postgresql/*/bin/initdb" >/dev/null \
    || { missing+=(postgresql); why+=("PostgreSQL's server binaries"); }
  # PostgreSQL refuses to run as root: the tests start it through runuser then. setsid keeps the
  # control plane's processes out of a terminal's Ctrl-C (testenv's LocalProcess). Both are
  # util-linux's.
  local util_linux=()
  command -v runuser >/dev/null || util_linux+=(runuser)
  command -v setsid >/dev/null || util_linux+=(setsid)
  # The real node's mount namespace.
  command -v unshare >/dev/null || util_linux+=(unshare)
  command -v nsenter >/dev/null || util_linux+=(nsenter)
  (( ${#util_linux[@]} == 0 )) || { missing+=(util-linux); why+=("${util_linux[@]}"); }
  # The Alembic example runs in a virtualenv that testenv builds from PyPI.
  python3 -c "import venv, ensurepip" 2>/dev/null || { missing+=(python3-venv); why+=("python3 -m venv"); }
  # Go's toolchain and Maven (./mvnw) are downloaded, Maven's zip unpacked with unzip (its pinned
  # SHA-256 is the zip's: without unzip, mvnw would fetch the tar.gz instead and fail the check).
  command -v curl >/dev/null || { missing+=(curl); why+=(curl); }
  [[ -e /etc/ssl/certs/ca-certificates.crt ]] || { missing+=(ca-certificates); why+=("CA certificates"); }
  command -v unzip >/dev/null || { missing+=(unzip); why+=(unzip); }
  # testenv/bench measures the runner's peak memory with GNU time.
  [[ -x /usr/bin/time ]] || { missing+=(time); why+=("/usr/bin/time"); }
  # testenv's real node: Debian's container runtime and CNI plugins (run as processes of the tests,
  # never as the machine's services), the pause binary built with gcc -static, and busybox-static
  # as the contents of the tests' images.
  command -v containerd >/dev/null && command -v ctr >/dev/null \
    || { missing+=(containerd); why+=(containerd); }
  # runc is in /usr/sbin, which a non-root PATH may lack; testenv puts it on the PATH it gives containerd.
  command -v runc >/dev/null || [[ -x /usr/sbin/runc ]] || { missing+=(runc); why+=(runc); }
  [[ -x /usr/lib/cni/loopback && -x /usr/lib/cni/bridge && -x /usr/lib/cni/host-local ]] \
    || { missing+=(containernetworking-plugins); why+=("CNI plugins"); }
  # The node's own network namespace: its loopback up (ip) and the kubernetes Service's address
  # redirected to the API server's relay (iptables), in there only. runc and the CNI plugins
  # call iptables through the PATH too.
  [[ -x /usr/sbin/ip || -x /sbin/ip ]] || { missing+=(iproute2); why+=("ip (iproute2)"); }
  [[ -x /usr/sbin/iptables ]] || { missing+=(iptables); why+=(iptables); }
  command -v gcc >/dev/null || { missing+=(gcc); why+=(gcc); }
  # The test environment's certificate authority (testenv's CertificateAuthority).
  command -v openssl >/dev/null || { missing+=(openssl); why+=(openssl); }
  compgen -G "/usr/lib/*/libc.a" >/dev/null || { missing+=(libc6-dev); why+=("libc.a (gcc -static)"); }
  # Static: it is copied into images that hold nothing else (Debian's busybox package is dynamic).
  [[ $(dpkg-query -W -f='${Status}' busybox-static 2>/dev/null) == "install ok installed" ]] \
    || { missing+=(busybox-static); why+=("a static busybox"); }
  # The images of the real node (testenv's Images): a Debian root from Debian's packages, and a
  # Java runtime linked by jlink from the JDK's jmods (Debian ships them in the headless JDK).
  command -v debootstrap >/dev/null || [[ -x /usr/sbin/debootstrap ]] \
    || { missing+=(debootstrap); why+=(debootstrap); }
  prerequisites_jdk && ! compgen -G "$(dirname "$(dirname "$(readlink -f "$(command -v javac)")")")/jmods/java.base.jmod" >/dev/null \
    && { missing+=(openjdk-17-jdk-headless); why+=("the JDK's jmods (jlink)"); }
  (( ${#missing[@]} == 0 )) && return 0

  local command="apt-get update && apt-get install -y ${missing[*]}" what
  what=$(printf '%s, ' "${why[@]}")
  if (( EUID != 0 )) || ! command -v apt-get >/dev/null; then
    prerequisites_say "missing ${what%, }"
    if command -v apt-get >/dev/null; then
      prerequisites_say "install them with: sudo sh -c '$command'"
    else
      prerequisites_say "no apt-get here: install the Debian packages' equivalents of: ${missing[*]}"
    fi
    exit 1
  fi
  prerequisites_say "installing ${missing[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
  prerequisites_jdk || { prerequisites_say "no JDK 17 after installing openjdk-17-jdk-headless"; exit 1; }
}

# 0 if the go on PATH is at least PREREQUISITES_GO_MIN (GOTOOLCHAIN=local: what it is, not what it
# would switch to).
prerequisites_go_is_new_enough() {
  local version
  version=$(cd / && GOTOOLCHAIN=local go env GOVERSION 2>/dev/null) || return 1
  [[ $version =~ ^go([0-9]+)\.([0-9]+) ]] || return 1
  local major=${BASH_REMATCH[1]} minor=${BASH_REMATCH[2]}
  (( major > ${PREREQUISITES_GO_MIN%.*} || (major == ${PREREQUISITES_GO_MIN%.*} && minor >= ${PREREQUISITES_GO_MIN#*.}) ))
}

prerequisites_go() {
  prerequisites_go_is_new_enough && return 0
  local arch
  case "$(uname -m)" in
    x86_64|amd64) arch=amd64 ;;
    aarch64|arm64) arch=arm64 ;;
    *) arch=$(uname -m) ;;
  esac
  local platform="linux-$arch" version=$PREREQUISITES_GO_VERSION
  local sha=${PREREQUISITES_GO_SHA256[$platform]:-}
  if [[ $(uname -s) != Linux || -z $sha ]]; then
    prerequisites_say "no Go >= $PREREQUISITES_GO_MIN on PATH, and no pinned toolchain for $(uname -s)/$(uname -m): install Go $version from https://go.dev/dl/"
    exit 1
  fi
  local cache=${SCHEMAGATE_CACHE:-${HOME:?HOME or SCHEMAGATE_CACHE must be set}/.cache/schemagate}
  local goroot=$cache/go/go$version.$platform
  if [[ ! -x $goroot/bin/go ]]; then
    local module=golang.org/toolchain@v0.0.1-go$version.$platform
    local url=https://proxy.golang.org/golang.org/toolchain/@v/v0.0.1-go$version.$platform.zip
    prerequisites_say "fetching Go $version from the Go module proxy into $goroot"
    mkdir -p "$cache/go"
    local tmp
    tmp=$(mktemp -d "$cache/go/.tmp-go$version.XXXXXX")
    if ! curl -fsSL --retry 3 -o "$tmp/go.zip" "$url"; then
      rm -rf "$tmp"; prerequisites_say "cannot download $url"; exit 1
    fi
    if ! echo "$sha  $tmp/go.zip" | sha256sum -c --quiet - >/dev/null 2>&1; then
      rm -rf "$tmp"; prerequisites_say "$url: SHA-256 is not $sha"; exit 1
    fi
    unzip -q "$tmp/go.zip" -d "$tmp" || { rm -rf "$tmp"; prerequisites_say "cannot unzip $url"; exit 1; }
    # The go command marks these executable after unzipping a toolchain (a module zip's modes are
    # not to be relied on); so do we.
    chmod +x "$tmp/$module/bin/"* "$tmp/$module/pkg/tool/"*/*
    # Another run may have put it in place meanwhile: keep the first.
    mv -T "$tmp/$module" "$goroot" 2>/dev/null || [[ -x $goroot/bin/go ]] \
      || { rm -rf "$tmp"; prerequisites_say "cannot move Go into $goroot"; exit 1; }
    rm -rf "$tmp"
  fi
  export PATH=$goroot/bin:$PATH
  prerequisites_go_is_new_enough || { prerequisites_say "$goroot/bin/go does not run"; exit 1; }
}
