#!/usr/bin/env bash
# Build OpenTofu and the OpenStack provider from Go modules (no binary
# downloads), and labcdk's own provider from providers/labcdk, and lay them
# out as a project-local toolchain:
#   .tools/bin/tofu                       the OpenTofu CLI
#   .tools/providers/<host>/<ns>/<name>/<version>/<os_arch>/...   a filesystem mirror
#   .tools/tofurc                         CLI config that installs providers only from that mirror
# Built binaries are cached per version in $LABCDK_CACHE_DIR, so a second run does nothing.
set -euo pipefail

usage() {
  cat <<'USAGE'
Usage: tools/build-toolchain.sh [--if-go] [--help]

  --if-go   when Go is not installed, say so and exit 0 (used by `npm test`,
            whose OpenTofu tests then report themselves skipped)

Builds OpenTofu and terraform-provider-openstack from the Go module proxy
(or GOPROXY / GOFLAGS=-mod=vendor setups for air-gapped sites) and writes
.tools/ in the project. Idempotent: cached builds are reused.

Environment:
  TOFU_VERSION            OpenTofu version            (default: from tools/versions.env)
  OPENSTACK_PROVIDER_VERSION  provider version        (default: from tools/versions.env)
  LABCDK_CACHE_DIR        build cache                 (default: ${XDG_CACHE_HOME:-$HOME/.cache}/labcdk)
  GOPROXY                 Go module proxy             (default: Go's own setting)
USAGE
}
if_go=false
case "${1:-}" in -h|--help) usage; exit 0 ;; --if-go) if_go=true ;; "") ;; *) usage >&2; exit 2 ;; esac
if ! command -v go >/dev/null; then
  if $if_go; then
    echo "build-toolchain: Go is not installed; not building OpenTofu (tests that need it will be skipped)"
    exit 0
  fi
  echo "build-toolchain: Go is required to build OpenTofu and the provider (apt-get install golang-go, or see README 'Offline and air-gapped')" >&2
  exit 1
fi

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# shellcheck source=versions.env
. "$root/tools/versions.env"
tofu_version="${TOFU_VERSION:-$TOFU_VERSION_PINNED}"
provider_version="${OPENSTACK_PROVIDER_VERSION:-$OPENSTACK_PROVIDER_VERSION_PINNED}"
cache="${LABCDK_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/labcdk}"
goos="$(go env GOOS)"; goarch="$(go env GOARCH)"


# build_module MODULE VERSION PACKAGE OUTPUT: download the module source and build inside it.
# (OpenTofu's go.mod has a replace directive, so 'go install MODULE@VERSION' refuses it.)
build_module() {
  local module="$1" version="$2" package="$3" output="$4"
  if [ -x "$output" ]; then
    echo "build-toolchain: cached $output"
    return 0
  fi
  echo "build-toolchain: downloading $module@$version"
  local dir
  dir="$(go mod download -json "$module@$version" | python3 -c 'import json,sys; print(json.load(sys.stdin)["Dir"])')"
  echo "build-toolchain: building $package from $dir (several minutes on first run)"
  mkdir -p "$(dirname "$output")"
  (cd "$dir" && CGO_ENABLED=0 GOFLAGS="${GOFLAGS:-} -buildvcs=false -mod=mod" go build -trimpath -ldflags "${LDFLAGS:-}" -o "$output.tmp" "$package")
  mv "$output.tmp" "$output"
}

tofu_bin="$cache/opentofu/$tofu_version/tofu"
# (a build from before the release flag was added is rebuilt)
[ -x "$tofu_bin" ] && "$tofu_bin" version | grep -q -- "-dev" && rm -f "$tofu_bin"
provider_bin="$cache/openstack-provider/$provider_version/terraform-provider-openstack_v$provider_version"
# dev=no: a release build (version without the "-dev" marker), as OpenTofu's own release does.
LDFLAGS="-X github.com/opentofu/opentofu/version.dev=no" \
  build_module github.com/opentofu/opentofu "v$tofu_version" ./cmd/tofu "$tofu_bin"
build_module github.com/terraform-provider-openstack/terraform-provider-openstack/v3 "v$provider_version" . "$provider_bin"

# labcdk's own provider (providers/labcdk: the labcdk_observation resource), built
# from the repository's source; rebuilt when that source changes.
labcdk_provider_version="$(sed -n 's/^const version = "\(.*\)"$/\1/p' "$root/providers/labcdk/main.go")"
labcdk_source_sha="$(cd "$root/providers/labcdk" && find . -name '*.go' -o -name 'go.mod' -o -name 'go.sum' | LC_ALL=C sort | xargs sha256sum | sha256sum | cut -c1-16)"
labcdk_bin="$cache/labcdk-provider/$labcdk_source_sha/terraform-provider-labcdk_v$labcdk_provider_version"
if [ -x "$labcdk_bin" ]; then
  echo "build-toolchain: cached $labcdk_bin"
else
  echo "build-toolchain: building providers/labcdk"
  mkdir -p "$(dirname "$labcdk_bin")"
  (cd "$root/providers/labcdk" && CGO_ENABLED=0 GOFLAGS="${GOFLAGS:-} -buildvcs=false -mod=mod" go build -trimpath -o "$labcdk_bin.tmp" .)
  mv "$labcdk_bin.tmp" "$labcdk_bin"
fi

# Project-local layout (links into the cache).
tools="$root/.tools"
mirror="$tools/providers/registry.terraform.io/terraform-provider-openstack/openstack/$provider_version/${goos}_${goarch}"
mkdir -p "$tools/bin" "$mirror"
ln -sfn "$tofu_bin" "$tools/bin/tofu"
ln -sfn "$provider_bin" "$mirror/terraform-provider-openstack_v$provider_version"
labcdk_mirror="$tools/providers/terraform.local/labcdk/labcdk/$labcdk_provider_version/${goos}_${goarch}"
mkdir -p "$labcdk_mirror"
ln -sfn "$labcdk_bin" "$labcdk_mirror/terraform-provider-labcdk_v$labcdk_provider_version"
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
