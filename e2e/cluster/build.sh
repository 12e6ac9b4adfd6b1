#!/usr/bin/env bash
# Builds the local cluster's binaries, and the tools the tests run (helm, promtool), from their Go modules (through
# the Go module proxy) and caches them under ${XDG_CACHE_HOME:-~/.cache}/cloudflare-operator/<versions>/bin.
# promtool is cached apart, per version, and linked into that directory: a new Prometheus version rebuilds only it.
# A second run finds everything and exits. Prints the bin directory on stdout; progress goes to stderr.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=versions.env
source "$here/versions.env"

stamp="k8s-${KUBERNETES_VERSION}_etcd-${ETCD_VERSION}_kwok-${KWOK_VERSION}_helm-${HELM_VERSION}"
cache_root="${XDG_CACHE_HOME:-$HOME/.cache}/cloudflare-operator/${stamp}"
bin="$cache_root/bin"
binaries=(etcd kube-apiserver kube-controller-manager kube-scheduler kubectl kwok helm)
promtool="${XDG_CACHE_HOME:-$HOME/.cache}/cloudflare-operator/prometheus-${PROMETHEUS_VERSION}/promtool"

promtool_linked() { [[ -x "$promtool" && "$(readlink "$bin/promtool" 2>/dev/null)" == "$promtool" ]]; }

all_present() {
  local b
  for b in "${binaries[@]}"; do [[ -x "$bin/$b" ]] || return 1; done
  [[ -d "$cache_root/kwok-stages" ]] && promtool_linked
}

if all_present; then
  echo "$bin"
  exit 0
fi

any_missing() {
  local b
  for b in "$@"; do [[ -x "$bin/$b" ]] || return 0; done
  return 1
}

log() { echo "[cluster-build] $*" >&2; }

# The pinned Go release. A go >= 1.21 on PATH fetches it itself (GOTOOLCHAIN), checked against the Go checksum
# database; with no go, or an older one, take the toolchain module straight from the Go module proxy, which
# publishes every release as a zip. Its sha256 is pinned in versions.env; fetch-zip.mjs checks it and extracts
# with Node.js alone (a bare Debian has neither unzip nor python3).
go_minor() { go env GOVERSION 2>/dev/null | sed -nE 's/^go1\.([0-9]+).*/\1/p'; }
if ! command -v go >/dev/null 2>&1 || [[ "$(go_minor)" -lt 21 ]]; then
  toolchain="${XDG_CACHE_HOME:-$HOME/.cache}/cloudflare-operator/go${GO_VERSION}"
  if [[ ! -x "$toolchain/bin/go" ]]; then
    proxy="${GOPROXY:-https://proxy.golang.org}"; proxy="${proxy%%,*}"
    arch="$(uname -m)"; case "$arch" in x86_64) arch=amd64 ;; aarch64) arch=arm64 ;; esac
    version="v0.0.1-go${GO_VERSION}.linux-${arch}"
    sha_var="GO_TOOLCHAIN_SHA256_${arch^^}"
    if [[ -z "${!sha_var:-}" ]]; then
      log "no sha256 pinned for golang.org/toolchain@${version}: set ${sha_var} in e2e/cluster/versions.env"
      log "(sha256sum of the zip that \`go mod download -json golang.org/toolchain@${version}\` verifies), or put go >= 1.21 on PATH"
      exit 1
    fi
    log "installing Go ${GO_VERSION} from the module proxy (golang.org/toolchain@${version})"
    node "$here/fetch-zip.mjs" "${proxy}/golang.org/toolchain/@v/${version}.zip" "${!sha_var}" \
      "golang.org/toolchain@${version}/" "$toolchain"
    chmod +x "$toolchain/bin/"* "$toolchain/pkg/tool/"*/*
  fi
  export PATH="$toolchain/bin:$PATH"
fi
export GOTOOLCHAIN="go${GO_VERSION}"
export GOFLAGS="-buildvcs=false"
export CGO_ENABLED=0
log "using $(go version)"

mkdir -p "$bin"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

# Modules whose go.mod points its own sub-modules at relative paths cannot be `go install`ed: generate a
# wrapper module that requires the module and replaces each relative path with the published version.
wrapper_module() { # dir module version replaced_version
  local dir="$1" module="$2" version="$3" replaced_version="$4" gomod
  mkdir -p "$dir"
  gomod="$(cd "$dir" && go mod download -json "${module}@${version}" | sed -n 's/.*"GoMod": "\(.*\)".*/\1/p')"
  {
    echo "module wrapper"
    echo "go ${GO_VERSION}"
    echo "require ${module} ${version}"
    # Both `replace X => ./path` lines and lines inside a `replace ( ... )` block; paths may start with ../
    # (etcd also points modules it forbids at ./FORBIDDEN_DEPENDENCY: those are not sub-modules, skip them).
    { grep -E '^\s*(replace\s+)?[^ ]+ => \.\.?/' "$gomod" | grep -v FORBIDDEN_DEPENDENCY || true; } |
      sed -E 's/^\s*replace\s+//' | awk -v v="$replaced_version" '{print "replace " $1 " => " $1 " " v}'
  } >"$dir/go.mod"
}

ldflags_k8s() {
  local v="${KUBERNETES_VERSION#v}" major minor
  major="${v%%.*}"; minor="${v#*.}"; minor="${minor%%.*}"
  local pkg=k8s.io/component-base/version
  echo "-s -w -X ${pkg}.gitVersion=${KUBERNETES_VERSION} -X ${pkg}.gitMajor=${major} -X ${pkg}.gitMinor=${minor} -X ${pkg}.gitTreeState=clean"
}

k8s_commands=(kube-apiserver kube-controller-manager kube-scheduler kubectl)
if any_missing "${k8s_commands[@]}"; then
  log "building ${k8s_commands[*]} ${KUBERNETES_VERSION} (cold: ~6 min)"
  staging_version="v0.${KUBERNETES_VERSION#v1.}"
  wrapper_module "$work/k8s" k8s.io/kubernetes "$KUBERNETES_VERSION" "$staging_version"
  cmds=("${k8s_commands[@]/#/k8s.io/kubernetes/cmd/}")
  (cd "$work/k8s" && go get "${cmds[@]/%/@${KUBERNETES_VERSION}}" >&2 && go build -trimpath -ldflags "$(ldflags_k8s)" -o "$bin/" "${cmds[@]}")
fi

if any_missing etcd; then
  log "building etcd ${ETCD_VERSION}"
  wrapper_module "$work/etcd" go.etcd.io/etcd/server/v3 "$ETCD_VERSION" "$ETCD_VERSION"
  (cd "$work/etcd" && go get "go.etcd.io/etcd/server/v3@${ETCD_VERSION}" >&2 && go build -trimpath -ldflags "-s -w" -o "$bin/etcd" go.etcd.io/etcd/server/v3)
fi

if any_missing kwok; then
  log "building kwok ${KWOK_VERSION}"
  GOBIN="$bin" go install -trimpath -ldflags "-s -w" "sigs.k8s.io/kwok/cmd/kwok@${KWOK_VERSION}"
fi

if [[ ! -d "$cache_root/kwok-stages" ]]; then
  # kwok refuses to start without stages; the module ships the ones we need.
  kwok_dir="$(cd "$work" && go mod download -json "sigs.k8s.io/kwok@${KWOK_VERSION}" | sed -n 's/.*"Dir": "\(.*\)".*/\1/p')"
  mkdir -p "$cache_root/kwok-stages.tmp"
  for stage in node/fast node/heartbeat-with-lease pod/fast; do
    for f in "$kwok_dir/kustomize/stage/$stage"/*.yaml; do
      [[ "$(basename "$f")" == kustomization.yaml ]] && continue
      cp "$f" "$cache_root/kwok-stages.tmp/${stage//\//-}-$(basename "$f")"
    done
  done
  mv "$cache_root/kwok-stages.tmp" "$cache_root/kwok-stages"
fi

if any_missing helm; then
  log "building helm ${HELM_VERSION}"
  major="${HELM_VERSION#v}"; major="${major%%.*}"
  module="helm.sh/helm/v${major}"
  GOBIN="$bin" go install -trimpath -ldflags "-s -w -X ${module}/internal/version.version=${HELM_VERSION}" "${module}/cmd/helm@${HELM_VERSION}"
fi

if [[ ! -x "$promtool" ]]; then
  # Only `check rules` and `test rules` are used: leave out the service discoveries (cloud SDKs), half the build.
  log "building promtool ${PROMETHEUS_VERSION} (cold: ~4 min)"
  GOBIN="$(dirname "$promtool")" go install -trimpath -tags remove_all_sd -ldflags "-s -w" \
    "github.com/prometheus/prometheus/cmd/promtool@${PROMETHEUS_VERSION}"
fi
promtool_linked || ln -sfn "$promtool" "$bin/promtool"

all_present || { log "build finished but binaries are missing in $bin"; exit 1; }
echo "$bin"
