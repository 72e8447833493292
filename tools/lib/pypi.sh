# Hash-pinned downloads from PyPI into the labcdk cache, for the tools/fetch-*.sh
# scripts. Source it after setting SCRIPT_NAME; it defines functions only.
# shellcheck shell=bash

say() { echo "${SCRIPT_NAME}: $*"; }
die() { echo "${SCRIPT_NAME}: $*" >&2; exit 1; }

# pypi_cache NAME: <labcdk cache>/pypi/NAME (what tools/tripleo-argv/pins.py reads).
pypi_cache() {
  printf '%s/pypi/%s\n' "${LABCDK_CACHE:-${LABCDK_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/labcdk}}" "$1"
}

# file_ok FILE SHA256: the file exists and has that digest.
file_ok() {
  [ -f "$1" ] && [ "$(sha256sum "$1" | cut -d' ' -f1)" = "$2" ]
}

# unpacked DIR SHA256: DIR was unpacked from the archive with that digest.
unpacked() {
  [ -f "$1/.labcdk-sha256" ] && [ "$(cat "$1/.labcdk-sha256")" = "$2" ]
}

# pypi_download NAME VERSION FILE SHA256 DOWNLOADS [pip options...]: leaves
# DOWNLOADS/FILE, its sha256 checked by pip (--require-hashes) and again here.
# Network waits are bounded: pip --timeout 30 --retries 2, at most 10 minutes.
pypi_download() {
  local name="$1" version="$2" file="$3" sha="$4" downloads="$5" pip dest
  shift 5
  if file_ok "$downloads/$file" "$sha"; then
    say "$file already downloaded (sha256 ok)"
    return 0
  fi
  if /usr/bin/python3 -m pip --version >/dev/null 2>&1; then
    pip=(/usr/bin/python3 -m pip)
  elif python3 -m pip --version >/dev/null 2>&1; then
    pip=(python3 -m pip)   # only downloads; nothing is installed
  else
    die "no pip: apt-get install python3-pip"
  fi
  command -v sha256sum >/dev/null || die "sha256sum is required (coreutils)"
  say "downloading $name $version from PyPI ($file)"
  dest="$(mktemp -d)"
  mkdir -p "$downloads"
  printf '%s==%s --hash=sha256:%s\n' "$name" "$version" "$sha" > "$dest/requirements.txt"
  timeout 600 "${pip[@]}" download --quiet --no-deps --require-hashes \
      --disable-pip-version-check --timeout 30 --retries 2 \
      --dest "$dest" -r "$dest/requirements.txt" "$@" \
    || { rm -rf "$dest"; die "pip download of $name $version failed (network, or a hash that is not the pinned one: see above)"; }
  [ -f "$dest/$file" ] || { rm -rf "$dest"; die "pip did not save $file"; }
  file_ok "$dest/$file" "$sha" || { rm -rf "$dest"; die "$file: sha256 is not the pinned $sha"; }
  mv "$dest/$file" "$downloads/$file"
  rm -rf "$dest"
  say "$file: sha256 ok"
}

# unpack_archive ARCHIVE TARGET SHA256 EXPECTED: unpacks a wheel (.whl) or an
# sdist (.tar.gz, its top folder stripped) into TARGET, atomically, checks that
# EXPECTED (a path inside) is there, and marks TARGET with the archive's digest.
unpack_archive() {
  local archive="$1" target="$2" sha="$3" expected="$4"
  rm -rf "$target" "$target.partial"
  mkdir -p "$target.partial"
  case "$archive" in
    *.whl) /usr/bin/python3 -m zipfile -e "$archive" "$target.partial" ;;
    *.tar.gz) tar -xzf "$archive" -C "$target.partial" --strip-components=1 --no-same-owner ;;
    *) die "unpack_archive: unknown archive type: $archive" ;;
  esac
  [ -e "$target.partial/$expected" ] || die "$(basename "$archive") has no $expected"
  printf '%s\n' "$sha" > "$target.partial/.labcdk-sha256"
  mv "$target.partial" "$target"
}
