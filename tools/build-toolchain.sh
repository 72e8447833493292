#!/usr/bin/env bash
# Build OpenTofu and the OpenStack provider from Go modules (no binary
# downloads), and labcdk's own provider from providers/labcdk, and lay them
# out as a project-local toolchain:
#   .tools/bin/tofu                       the OpenTofu CLI
#   .tools/providers/<host>/<ns>/<name>/<version>/<os_arch>/...   a filesystem mirror
#   .tools/tofurc                         CLI config that installs providers only from that mirror
# Built binaries are cached per version (and Go toolchain) in $LABCDK_CACHE_DIR, so a second run does nothing.
# Builds are reproducible (pinned Go toolchain, fixed flags): the committed provider lock
# (providers/.terraform.lock.hcl, tools/lock-providers.sh) holds hashes of these bytes.
set -euo pipefail

usage() {
  cat <<'USAGE'
Usage: tools/build-toolchain.sh [--if-go] [--all-platforms] [--help]

  --if-go           when Go is not installed, say so and exit 0 (used by `npm test`,
                    whose OpenTofu tests then report themselves skipped)
  --all-platforms   also cross-compile the providers for every platform the committed
                    provider lock covers (LOCK_PLATFORMS in tools/versions.env), which
                    tools/lock-providers.sh and its staleness test need

Builds OpenTofu and terraform-provider-openstack from the Go module proxy
(or GOPROXY / GOFLAGS=-mod=vendor setups for air-gapped sites) and writes
.tools/ in the project. Idempotent: cached builds are reused. Every build uses
the Go toolchain pinned in tools/versions.env (GO_VERSION_PINNED; `go` fetches
it from the module proxy as golang.org/toolchain when the installed go is
another version), CGO_ENABLED=0, -trimpath and -buildvcs=false, so the same
versions give the same bytes on every machine.

Environment:
  TOFU_VERSION            OpenTofu version            (default: from tools/versions.env)
  OPENSTACK_PROVIDER_VERSION  provider version        (default: from tools/versions.env)
  LABCDK_CACHE_DIR        build cache                 (default: ${XDG_CACHE_HOME:-$HOME/.cache}/labcdk)
  GOPROXY                 Go module proxy             (default: Go's own setting)
USAGE
}
if_go=false all_platforms=false
for arg in "$@"; do
  case "$arg" in -h|--help) usage; exit 0 ;; --if-go) if_go=true ;; --all-platforms) all_platforms=true ;; *) usage >&2; exit 2 ;; esac
done
if ! command -v go >/dev/null; then
  if $if_go; then
    echo "build-toolchain: Go is not installed; not building OpenTofu (tests that need it will be skipped)"
    exit 0
  fi
  echo "build-toolchain: Go is required to build OpenTofu and the provider (apt-get install golang-go, or see docs/operating.md, 'Offline and air-gapped')" >&2
  exit 1
fi

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# shellcheck source=versions.env
. "$root/tools/versions.env"
tofu_version="${TOFU_VERSION:-$TOFU_VERSION_PINNED}"
provider_version="${OPENSTACK_PROVIDER_VERSION:-$OPENSTACK_PROVIDER_VERSION_PINNED}"
cache="${LABCDK_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/labcdk}"
go_version="$GO_VERSION_PINNED"
# Every go command below runs the pinned toolchain (this overrides GOTOOLCHAIN=local in go's env file).
export GOTOOLCHAIN="go$go_version"
if [ "$(go env GOVERSION)" != "go$go_version" ]; then
  echo "build-toolchain: could not switch to the pinned Go toolchain go$go_version (installed: $(go version)); Go >= 1.21 fetches it from the module proxy" >&2
  exit 1
fi
goos="$(go env GOOS)"; goarch="$(go env GOARCH)"
# Platforms (os_arch) the providers are built for: this machine's, and with --all-platforms
# also every one the committed provider lock covers.
platforms="${goos}_${goarch}"
if $all_platforms; then
  # shellcheck disable=SC2086 # LOCK_PLATFORMS is a space-separated list
  platforms="$(printf '%s\n' "$platforms" $LOCK_PLATFORMS | sort -u | tr '\n' ' ')"
fi

# go_build DIR PACKAGE OUTPUT [OS_ARCH]: build PACKAGE of the Go module in DIR into OUTPUT
# (written atomically), reproducibly: the pinned toolchain (GOTOOLCHAIN above), CGO_ENABLED=0,
# -trimpath, -buildvcs=false and the baseline CPU levels (GOAMD64=v1, GOARM64=v8.0) whatever
# the environment says, for OS_ARCH (e.g. linux_arm64; default: this machine's). The same
# toolchain, flags and sources give the same bytes on any machine, in any directory and with
# any GOCACHE/GOPATH, which the committed provider lock's h1 hashes rely on: build every
# provider that goes into .tools/providers with it, for each of "$platforms", e.g. one of ours:
#   go_build "$root/providers/labcdk" . "$cache/labcdk-provider/<version>/go$go_version/<os_arch>/terraform-provider-labcdk_v<version>" <os_arch>
# Also applied: LDFLAGS (as -ldflags) and GOFLAGS from the environment. It always builds
# (Go's build cache makes a rebuild of unchanged sources quick); caching is the caller's.
go_build() {
  local dir="$1" package="$2" output="$3" os_arch="${4:-${goos}_${goarch}}"
  mkdir -p "$(dirname "$output")"
  (cd "$dir" && CGO_ENABLED=0 GOOS="${os_arch%%_*}" GOARCH="${os_arch#*_}" GOAMD64=v1 GOARM64=v8.0 \
    GOFLAGS="${GOFLAGS:-} -buildvcs=false" go build -trimpath -ldflags "${LDFLAGS:-}" -o "$output.tmp" "$package")
  mv "$output.tmp" "$output"
}

# build_module MODULE VERSION PACKAGE OUTPUT [OS_ARCH]: download the module source and build inside it
# with go_build, unless OUTPUT exists. (OpenTofu's go.mod has a replace directive, so
# 'go install MODULE@VERSION' refuses it.) OUTPUT's path names the Go version, so that a change
# of the pinned toolchain rebuilds.
build_module() {
  local module="$1" version="$2" package="$3" output="$4" os_arch="${5:-${goos}_${goarch}}"
  if [ -x "$output" ]; then
    echo "build-toolchain: cached $output"
    return 0
  fi
  echo "build-toolchain: downloading $module@$version"
  local dir
  dir="$(go mod download -json "$module@$version" | python3 -c 'import json,sys; print(json.load(sys.stdin)["Dir"])')"
  echo "build-toolchain: building $package from $dir for $os_arch with go$go_version (several minutes on first run)"
  GOFLAGS="${GOFLAGS:-} -mod=mod" go_build "$dir" "$package" "$output" "$os_arch"
}

tofu_bin="$cache/opentofu/$tofu_version/go$go_version/tofu"
# <os_arch>/terraform-provider-openstack_v<version> under it:
provider_dir="$cache/openstack-provider/$provider_version/go$go_version"
provider_file="terraform-provider-openstack_v$provider_version"
# dev=no: a release build (version without the "-dev" marker), as OpenTofu's own release does.
LDFLAGS="-X github.com/opentofu/opentofu/version.dev=no" \
  build_module github.com/opentofu/opentofu "v$tofu_version" ./cmd/tofu "$tofu_bin"
for os_arch in $platforms; do
  build_module github.com/terraform-provider-openstack/terraform-provider-openstack/v3 "v$provider_version" . "$provider_dir/$os_arch/$provider_file" "$os_arch"
done

# labcdk's own provider (providers/labcdk: the labcdk_observation resource), built
# from the repository's source; rebuilt when that source changes. Its go.mod and
# go.sum are committed complete, so it builds with Go's default -mod=readonly.
labcdk_provider_version="$(sed -n 's/^const version = "\(.*\)"$/\1/p' "$root/providers/labcdk/main.go")"
labcdk_source_sha="$(cd "$root/providers/labcdk" && find . -name '*.go' -o -name 'go.mod' -o -name 'go.sum' | LC_ALL=C sort | xargs sha256sum | sha256sum | cut -c1-16)"
# <os_arch>/terraform-provider-labcdk_v<version> under it:
labcdk_dir="$cache/labcdk-provider/$labcdk_source_sha/go$go_version"
labcdk_file="terraform-provider-labcdk_v$labcdk_provider_version"
for os_arch in $platforms; do
  if [ -x "$labcdk_dir/$os_arch/$labcdk_file" ]; then
    echo "build-toolchain: cached $labcdk_dir/$os_arch/$labcdk_file"
  else
    echo "build-toolchain: building providers/labcdk for $os_arch with go$go_version"
    go_build "$root/providers/labcdk" . "$labcdk_dir/$os_arch/$labcdk_file" "$os_arch"
  fi
done

# Project-local layout (links into the cache).
tools="$root/.tools"
mirror="$tools/providers/registry.terraform.io/terraform-provider-openstack/openstack/$provider_version"
mkdir -p "$tools/bin"
ln -sfn "$tofu_bin" "$tools/bin/tofu"
labcdk_mirror="$tools/providers/terraform.local/labcdk/labcdk/$labcdk_provider_version"
for os_arch in $platforms; do
  mkdir -p "$mirror/$os_arch" "$labcdk_mirror/$os_arch"
  ln -sfn "$provider_dir/$os_arch/$provider_file" "$mirror/$os_arch/$provider_file"
  ln -sfn "$labcdk_dir/$os_arch/$labcdk_file" "$labcdk_mirror/$os_arch/$labcdk_file"
done
cat > "$tools/tofurc" <<RC
# Written by tools/build-toolchain.sh: providers come only from the local mirror.
provider_installation {
  filesystem_mirror {
    path    = "$tools/providers"
    include = ["registry.terraform.io/*/*", "terraform.local/labcdk/*"]
  }
  direct {
    exclude = ["*/*/*"]
  }
}
RC
"$tools/bin/tofu" version
echo "build-toolchain: ready: .tools/bin/tofu, provider mirror .tools/providers, config .tools/tofurc"
