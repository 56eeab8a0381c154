#!/usr/bin/env bash
# Builds the binaries of the local Kubernetes testbed (etcd, kube-apiserver,
# kube-controller-manager, kube-scheduler, kwok) from the Go module proxy.
#
# Why from source: this workplace reaches only package registries, so release
# tarballs and container images are out of reach, while the Go module proxy
# serves the exact sources of every Kubernetes, etcd and kwok release.
#
# Output: the bin directory path as the LAST line of stdout; progress goes to
# stderr. A second run finds the binaries and returns at once.
#
# Env:
#   KECS_TESTBIN_CACHE   root of the build cache (default ~/.cache/kecs-testbin)
#   KECS_K8S_VERSION     k8s.io/kubernetes release    (default v1.37.2)
#   KECS_ETCD_VERSION    go.etcd.io/etcd/server/v3    (default v3.7.3)
#   KECS_KWOK_VERSION    sigs.k8s.io/kwok             (default v0.8.0)
#   KECS_TESTBIN_KEEP_GO_CACHES=1  keep the Go module and build caches of the
#                        build (about 5.5 GB) instead of deleting them at the end
set -euo pipefail

K8S_VERSION=${KECS_K8S_VERSION:-v1.37.2}
ETCD_VERSION=${KECS_ETCD_VERSION:-v3.7.3}
KWOK_VERSION=${KECS_KWOK_VERSION:-v0.8.0}
CACHE_ROOT=${KECS_TESTBIN_CACHE:-$HOME/.cache/kecs-testbin}
DIR=$CACHE_ROOT/k8s-$K8S_VERSION-etcd-$ETCD_VERSION-kwok-$KWOK_VERSION
BIN=$DIR/bin

log() { printf '[k8s-testbin] %s\n' "$*" >&2; }
# set -e alone would end a failed build without saying where it stopped.
trap 'log "error: build failed at line $LINENO (Go caches kept in $DIR/go, so a rerun resumes)"' ERR

# The Go toolchain on the machine must do the build: a toolchain switch would
# download another Go, which we do not want. -mod=mod lets the scratch modules
# below record the requirements they discover. CGO off gives static binaries
# that need no C compiler, as upstream Kubernetes builds its server binaries.
export GOTOOLCHAIN=local
export GOFLAGS="-mod=mod -buildvcs=false -modcacherw"
export CGO_ENABLED=0
# The build leaves ~1 GB of module sources and ~4.5 GB of compiled packages
# behind, worth nothing once the binaries exist. Private caches under $DIR
# can be dropped whole after a successful build without touching the user's
# own Go caches; after a failed one they stay, so a retry resumes.
# (-modcacherw above lets a plain rm delete the module cache.)
export GOMODCACHE=$DIR/go/mod
export GOCACHE=$DIR/go/build

# Every go command that compiles runs under nice so that a build on a 2-core
# machine does not starve whoever else is working on it.
gobuild() { nice -n 10 go build -trimpath "$@"; }

have_all() {
  local f
  for f in etcd kube-apiserver kube-controller-manager kube-scheduler kwok; do
    [[ -x $BIN/$f ]] || return 1
  done
  [[ -s $BIN/kwok-stages.yaml ]]
}

if have_all; then
  log "cached: all binaries present in $BIN"
  echo "$BIN"
  exit 0
fi

command -v go >/dev/null || { log "error: go is not installed"; exit 1; }
log "go: $(go version)"
log "building into $BIN (first build takes a long while on 2 cores)"
mkdir -p "$BIN"

# A scratch module per upstream project keeps their dependency graphs apart:
# kwok pins k8s.io/* libraries one minor behind the apiserver we build, and
# etcd pins its own, so one shared go.mod would force versions on both.
scratch() {
  local name=$1 src=$DIR/src/$1
  mkdir -p "$src"
  if [[ ! -f $src/go.mod ]]; then
    (cd "$src" && go mod init "kecs.local/testbin/$name" 2>/dev/null)
  fi
  echo "$src"
}

# Binaries go to a partial name first, so an interrupted build is never
# mistaken for a finished one by have_all.
install_bin() { mv -f "$1" "$BIN/$2"; }

build_kubernetes() {
  local src staging_version ldflags gomod mods m
  local -a replaces=()
  src=$(scratch kubernetes)
  cd "$src"
  log "kubernetes $K8S_VERSION: resolving modules"
  # k8s.io/kubernetes requires its staging modules (k8s.io/api, client-go...)
  # at v0.0.0 and points them into its own tree with replace directives, which
  # only count in its own repository. Published staging tags carry the same
  # code as v0.<minor>.<patch>, so the list of staging modules is read from
  # the release's own go.mod and each is mapped to that version.
  staging_version=v0.${K8S_VERSION#v1.}
  gomod=$(go mod download -json "k8s.io/kubernetes@$K8S_VERSION" | sed -n 's/^[[:space:]]*"GoMod": "\(.*\)",\{0,1\}$/\1/p')
  [[ -f $gomod ]] || { log "error: no go.mod found for k8s.io/kubernetes@$K8S_VERSION"; exit 1; }
  mods=$(awk '{ sub(/^replace[ \t]+/, "") } $2 == "=>" && $3 ~ /^\.\/staging\// { print $1 }' "$gomod")
  [[ -n $mods ]] || { log "error: no staging replaces in $gomod"; exit 1; }
  for m in $mods; do replaces+=("-replace=$m=$m@$staging_version"); done
  go mod edit "${replaces[@]}"
  log "kubernetes: $(wc -w <<<"$mods") staging modules mapped to $staging_version"

  local -a pkgs=(
    k8s.io/kubernetes/cmd/kube-apiserver
    k8s.io/kubernetes/cmd/kube-controller-manager
    k8s.io/kubernetes/cmd/kube-scheduler
  )
  go get "${pkgs[@]/%/@$K8S_VERSION}" >&2

  # Without these the binaries would report v0.0.0-master, and version-aware
  # clients (and humans reading /version) would be misled.
  local minor=${K8S_VERSION#v1.}; minor=${minor%%.*}
  ldflags="-s -w"
  local pkg
  for pkg in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
    ldflags+=" -X $pkg.gitVersion=$K8S_VERSION -X $pkg.gitMajor=1 -X $pkg.gitMinor=$minor"
    ldflags+=" -X $pkg.gitTreeState=clean -X $pkg.buildDate=1970-01-01T00:00:00Z"
  done
  log "kubernetes: compiling kube-apiserver, kube-controller-manager, kube-scheduler"
  mkdir -p "$DIR/partial"
  # One go build for all three shares the compilation of their common packages.
  gobuild -ldflags="$ldflags" -o "$DIR/partial/" "${pkgs[@]}"
  for pkg in "${pkgs[@]}"; do install_bin "$DIR/partial/${pkg##*/}" "${pkg##*/}"; done
}

build_etcd() {
  local src
  src=$(scratch etcd)
  cd "$src"
  log "etcd $ETCD_VERSION: resolving modules"
  # The etcd server's main package is the root of go.etcd.io/etcd/server/v3;
  # `go install mod@version` refuses it because its go.mod has replace
  # directives, hence the scratch module.
  go get "go.etcd.io/etcd/server/v3@$ETCD_VERSION" >&2
  log "etcd: compiling"
  mkdir -p "$DIR/partial"
  gobuild -ldflags="-s -w" -o "$DIR/partial/etcd" go.etcd.io/etcd/server/v3
  install_bin "$DIR/partial/etcd" etcd
}

build_kwok() {
  local src moddir f
  src=$(scratch kwok)
  cd "$src"
  log "kwok $KWOK_VERSION: resolving modules"
  go get "sigs.k8s.io/kwok/cmd/kwok@$KWOK_VERSION" >&2
  log "kwok: compiling"
  mkdir -p "$DIR/partial"
  gobuild -ldflags="-s -w" -o "$DIR/partial/kwok" sigs.k8s.io/kwok/cmd/kwok
  install_bin "$DIR/partial/kwok" kwok

  # kwok does nothing without Stage objects. It ships a default set (the one
  # kwokctl uses): initialize a Node and keep its Lease fresh; make a bound Pod
  # Ready/Running, complete it, and finish its deletion once the API server
  # marks it deleted. The lease-based heartbeat goes with kwok's
  # --node-lease-duration-seconds, which k8s-up.sh sets.
  moddir=$(go list -m -f '{{.Dir}}' sigs.k8s.io/kwok)
  : >"$BIN/kwok-stages.yaml.partial"
  for f in node/fast/node-initialize.yaml node/heartbeat-with-lease/node-heartbeat-with-lease.yaml \
           pod/fast/pod-ready.yaml pod/fast/pod-complete.yaml pod/fast/pod-delete.yaml; do
    { echo "---"; cat "$moddir/kustomize/stage/$f"; } >>"$BIN/kwok-stages.yaml.partial"
  done
  mv -f "$BIN/kwok-stages.yaml.partial" "$BIN/kwok-stages.yaml"
}

start=$SECONDS
[[ -x $BIN/etcd ]] || build_etcd
[[ -x $BIN/kwok && -s $BIN/kwok-stages.yaml ]] || build_kwok
[[ -x $BIN/kube-apiserver && -x $BIN/kube-controller-manager && -x $BIN/kube-scheduler ]] || build_kubernetes
rm -rf "$DIR/partial"

have_all || { log "error: build finished but binaries are missing from $BIN"; exit 1; }
if [[ ${KECS_TESTBIN_KEEP_GO_CACHES:-0} == 1 ]]; then
  log "keeping Go caches in $DIR/go ($(du -sh "$DIR/go" | cut -f1))"
else
  log "removing Go caches of the build ($(du -sh "$DIR/go" | cut -f1) in $DIR/go)"
  rm -rf "$DIR/go"
fi
log "done in $((SECONDS - start))s: $(du -sh "$BIN" | cut -f1) of binaries in $BIN"
echo "$BIN"
