#!/usr/bin/env bash
# Fails when libdsh exports a symbol that is neither a dsh_ C function nor
# part of the dsh:: C++ API (functions, and the typeinfo, vtables and
# thunks of dsh:: classes). Anything else (Abseil, simdjson, libpqxx,
# SQLite, std) leaking out would tie hosts to our private copies of them.
#
# usage: check_exports.sh LIBDSH_SO
set -euo pipefail

lib=$1
[[ -f "$lib" ]] || { echo "FAIL: no library at $lib" >&2; exit 1; }

symbols=$(nm -D --defined-only "$lib" | awk 'NF >= 3 {print $3}')
[[ -n "$symbols" ]] || { echo "FAIL: $lib exports nothing" >&2; exit 1; }

bad=""
count=0
while IFS= read -r symbol; do
  count=$((count + 1))
  case "$symbol" in
    dsh_*) continue ;;
    _Z*) ;;
    *) bad+="$symbol"$'\n'; continue ;;
  esac
  name=$(c++filt -- "$symbol")
  case "$name" in
    dsh::* | "typeinfo for dsh::"* | "typeinfo name for dsh::"* | \
    "vtable for dsh::"* | "VTT for dsh::"* | \
    "non-virtual thunk to dsh::"* | "virtual thunk to dsh::"*) ;;
    *) bad+="$symbol  ($name)"$'\n' ;;
  esac
done <<<"$symbols"

if [[ -n "$bad" ]]; then
  echo "FAIL: $lib exports symbols outside dsh_ and dsh::" >&2
  printf '%s' "$bad" >&2
  exit 1
fi
echo "PASS: $count exported symbols, all dsh_ or dsh::"
