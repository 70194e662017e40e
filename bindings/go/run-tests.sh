#!/bin/sh
# Runs the Go binding's tests against a libdsh build.
#
#   bindings/go/run-tests.sh BUILD_DIR [go test flags...]
#       BUILD_DIR is a CMake build directory holding lib/libdsh.so; a dsh.pc
#       pointing at it and at this checkout's include/ is written to a
#       temporary folder.
#   bindings/go/run-tests.sh --prefix PREFIX [go test flags...]
#       Uses the dsh.pc that `cmake --install` put under PREFIX.
#
# Exits non-zero when a test fails or the package does not build.
set -eu

usage() {
  echo "usage: $0 BUILD_DIR | --prefix PREFIX [go test flags...]" >&2
  exit 2
}

[ $# -ge 1 ] || usage
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT INT TERM

if [ "$1" = "--prefix" ]; then
  [ $# -ge 2 ] || usage
  prefix=$(cd "$2" && pwd)
  shift 2
  pc_path=""
  for dir in "$prefix"/lib/pkgconfig "$prefix"/lib/*/pkgconfig \
             "$prefix"/lib64/pkgconfig "$prefix"/share/pkgconfig; do
    [ -f "$dir/dsh.pc" ] && pc_path="$dir${pc_path:+:$pc_path}"
  done
  [ -n "$pc_path" ] || { echo "$0: no dsh.pc under $prefix" >&2; exit 2; }
  PKG_CONFIG_PATH="$pc_path"
  export PKG_CONFIG_PATH
  # An installed dsh.pc need not carry an rpath for a private prefix.
  libdir=$(pkg-config --variable=libdir dsh)
  LD_LIBRARY_PATH="$libdir${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
  export LD_LIBRARY_PATH
  cache="$scratch"
else
  build=$(cd "$1" && pwd)
  shift
  lib="$build/lib"
  [ -f "$lib/libdsh.so" ] || {
    echo "$0: $lib/libdsh.so not found; build the dsh target first" >&2
    exit 2
  }
  mkdir -p "$scratch/pkgconfig"
  cat >"$scratch/pkgconfig/dsh.pc" <<EOF
includedir=$repo/include
libdir=$lib

Name: dsh
Description: dsh, from the build tree $build
Version: 0.1.0
Cflags: -I\${includedir}
Libs: -L\${libdir} -Wl,-rpath,\${libdir} -ldsh
EOF
  PKG_CONFIG_PATH="$scratch/pkgconfig"
  export PKG_CONFIG_PATH
  cache="$build/go-cache"
fi

# Standard library only: nothing is downloaded.
CGO_ENABLED=1
GOFLAGS=-mod=mod
GOPROXY=off
GO111MODULE=on
GOCACHE="$cache/build"
GOPATH="$cache/path"
# Debian's Abseil .pc files, which an installed dsh.pc may require, link
# libatomic inside --push-state/--pop-state, flags cgo refuses by default.
state_flags='-Wl,--(push-state,--as-needed|pop-state)'
CGO_LDFLAGS_ALLOW="${CGO_LDFLAGS_ALLOW:+$CGO_LDFLAGS_ALLOW|}$state_flags"
export CGO_ENABLED GOFLAGS GOPROXY GO111MODULE GOCACHE GOPATH CGO_LDFLAGS_ALLOW

cd "$here"
go vet ./...
go test -count=1 "$@" ./...
