#!/usr/bin/env bash
# Installs the current build into a temporary prefix, then builds and runs a
# small consumer against it twice: through find_package(dsh) and through
# pkg-config. The C ABI consumer joins in once libdsh exports dsh_version_major.
#
# usage: install_and_consume.sh BUILD_DIR CONSUMER_SRC CMAKE CC CXX
set -euo pipefail

build_dir=$1
consumer_src=$2
cmake=$3
cc=$4
cxx=$5
step_timeout=300

work=$(mktemp -d "${TMPDIR:-/tmp}/dsh-install-test.XXXXXX")
trap 'rm -rf "$work"' EXIT
prefix="$work/prefix"

fail() {
  echo "FAIL: $*" >&2
  exit 1
}
run() {
  timeout "$step_timeout" "$@" || fail "exit $? from: $*"
}

echo "== cmake --install into $prefix"
run "$cmake" --install "$build_dir" --prefix "$prefix" >"$work/install.log" ||
  { cat "$work/install.log"; exit 1; }

libdir=$(dirname "$(find "$prefix" -name 'libdsh.so' -print -quit)")
[[ -n "$libdir" && -f "$libdir/libdsh.so" ]] || fail "no libdsh.so installed"
for f in include/dsh/dsh.h include/dsh/registry.h include/dsh/export.h; do
  [[ -f "$prefix/$f" ]] || fail "$f not installed"
done
[[ -f "$libdir/cmake/dsh/dshConfig.cmake" ]] || fail "no dshConfig.cmake"
[[ -f "$libdir/cmake/dsh/dshConfigVersion.cmake" ]] ||
  fail "no dshConfigVersion.cmake"
[[ -f "$libdir/pkgconfig/dsh.pc" ]] || fail "no dsh.pc"
[[ -L "$libdir/libdsh.so" ]] || fail "libdsh.so is not the namelink"

soname=$(objdump -p "$libdir/libdsh.so" | awk '$1 == "SONAME" {print $2}')
[[ "$soname" =~ ^libdsh\.so\.[0-9]+$ ]] || fail "unexpected SONAME '$soname'"
[[ -e "$libdir/$soname" ]] || fail "$soname (the SONAME) is not installed"
echo "SONAME $soname"
# The installed library must not point back into the build tree.
if objdump -p "$libdir/libdsh.so" | grep -E 'R(UN)?PATH' | grep -q "$build_dir"
then
  fail "installed libdsh.so keeps a RUNPATH into $build_dir"
fi

with_c=OFF
if nm -D --defined-only "$libdir/libdsh.so" | grep -qw dsh_version_major; then
  with_c=ON
fi
echo "C ABI consumer: $with_c"

check_cxx_output() {
  local out=$1
  grep -qx 'validated warehouse.example.io:5439/dev with 0 warnings' "$out" ||
    fail "validate line missing: $(cat "$out")"
  grep -qx 'created 1 data source' "$out" || fail "create line missing"
  grep -qx 'malformed payload: malformed_json' "$out" ||
    fail "malformed line missing"
  if grep -q 'not-printed' "$out"; then fail "password printed"; fi
}
check_c_output() {
  local out=$1
  grep -q '^malformed payload: status 2,' "$out" ||
    fail "C consumer output: $(cat "$out")"
}

echo "== find_package(dsh)"
run "$cmake" -S "$consumer_src" -B "$work/cmake-build" \
  -DCMAKE_PREFIX_PATH="$prefix" -DCMAKE_FIND_USE_PACKAGE_REGISTRY=OFF \
  -DCMAKE_C_COMPILER="$cc" -DCMAKE_CXX_COMPILER="$cxx" \
  -DCONSUMER_WITH_C=$with_c >"$work/configure.log" ||
  { cat "$work/configure.log"; exit 1; }
found=$(grep '^dsh_DIR:' "$work/cmake-build/CMakeCache.txt" | cut -d= -f2-)
[[ "$found" == "$prefix"/* ]] || fail "find_package used '$found'"
run "$cmake" --build "$work/cmake-build" -j2 >"$work/build.log" ||
  { cat "$work/build.log"; exit 1; }
run "$work/cmake-build/registry_consumer" | tee "$work/cmake-cxx.out"
check_cxx_output "$work/cmake-cxx.out"
if [[ $with_c == ON ]]; then
  run "$work/cmake-build/c_consumer" | tee "$work/cmake-c.out"
  check_c_output "$work/cmake-c.out"
fi

echo "== pkg-config dsh"
export PKG_CONFIG_PATH="$libdir/pkgconfig"
flags=$(pkg-config --cflags --libs dsh) || fail "pkg-config dsh failed"
[[ $(pkg-config --modversion dsh) == [0-9]* ]] || fail "no version"
echo "pkg-config: $flags"
mkdir "$work/pc-build"
# shellcheck disable=SC2086  # the flags are meant to split
run "$cxx" -std=c++17 -Wall -Wextra -Werror \
  "$consumer_src/registry_consumer.cc" $flags -Wl,-rpath,"$libdir" \
  -o "$work/pc-build/registry_consumer"
run "$work/pc-build/registry_consumer" | tee "$work/pc-cxx.out"
check_cxx_output "$work/pc-cxx.out"
if [[ $with_c == ON ]]; then
  # shellcheck disable=SC2086
  run "$cc" -std=c99 -Wall -Wextra -pedantic -Werror \
    "$consumer_src/c_consumer.c" $flags -Wl,-rpath,"$libdir" \
    -o "$work/pc-build/c_consumer"
  run "$work/pc-build/c_consumer" | tee "$work/pc-c.out"
  check_c_output "$work/pc-c.out"
fi
echo "PASS"
