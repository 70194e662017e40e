#!/usr/bin/env bash
# What scripts/pg-sandbox does to the folder it is given and to the server
# it starts: it takes only a folder that is new, empty or already its own,
# changes nothing when it refuses or fails, and keeps the password out of
# the server's environment and off the disk.
#
#   tests/catalog/pg_sandbox_test.sh [PATH-TO-pg-sandbox]
#
# Needs PostgreSQL 15 (exit 77, a skip for ctest, when it is missing). Run
# as root it also checks owners, since the script then hands its folder to
# an unprivileged server user.
set -uo pipefail

here=$(cd "$(dirname "$0")" && pwd -P)
sandbox=${1:-$here/../../scripts/pg-sandbox}
pg_bin=${DSH_PG_BIN:-/usr/lib/postgresql/15/bin}
if [[ ! -x "$pg_bin/initdb" ]]; then
  echo "SKIP: PostgreSQL 15 is not installed in $pg_bin"
  exit 77
fi

# Directly under /tmp, so that the server user can reach every folder.
scratch=$(mktemp -d /tmp/dsh-sbt-XXXXXX)
chmod 755 "$scratch"
started=()
cleanup() {
  local dir
  for dir in "${started[@]+"${started[@]}"}"; do
    "$sandbox" stop "$dir" >/dev/null 2>&1 || true
  done
  rm -rf "$scratch"
}
trap cleanup EXIT

failures=0
fail() {
  echo "FAIL: $*"
  failures=$((failures + 1))
}
is_root() { [[ $(id -u) -eq 0 ]]; }

# Owner, group and mode of a path, one line.
stat_line() { stat -c '%U:%G %a' "$1"; }

# A folder created the way a user would, owned by root (or the caller).
user_folder() {
  mkdir "$scratch/$1"
  chmod 755 "$scratch/$1"
  echo "$scratch/$1"
}

test_refuses_a_folder_holding_a_users_files() {
  local dir before_dir before_file out
  dir=$(user_folder notes)
  echo "remember the milk" >"$dir/notes.txt"
  before_dir=$(stat_line "$dir")
  before_file=$(stat_line "$dir/notes.txt")

  if out=$("$sandbox" start "$dir" 2>&1); then
    started+=("$dir")
    fail "start took over a folder holding notes.txt (printed: $out)"
  fi

  [[ $out == *"not empty"* ]] ||
    fail "the refusal does not say the folder is not empty: $out"
  [[ $(stat_line "$dir") == "$before_dir" ]] ||
    fail "the folder changed from $before_dir to $(stat_line "$dir")"
  [[ $(stat_line "$dir/notes.txt") == "$before_file" ]] ||
    fail "notes.txt changed from $before_file"
  [[ $(cat "$dir/notes.txt") == "remember the milk" ]] ||
    fail "notes.txt lost its content"
  [[ $(ls -A "$dir") == "notes.txt" ]] ||
    fail "the folder gained files: $(find "$dir" -mindepth 1 -printf '%f ')"
}

test_refuses_a_file_in_place_of_a_folder() {
  local file="$scratch/plain-file" before out
  echo "data" >"$file"
  before=$(stat_line "$file")

  if out=$("$sandbox" start "$file" 2>&1); then
    fail "start accepted a file as its folder (printed: $out)"
  fi

  [[ $(stat_line "$file") == "$before" && $(cat "$file") == "data" ]] ||
    fail "the file changed"
}

test_starts_in_a_new_folder_and_again_after_a_stop() {
  local dir="$scratch/fresh" port again
  if ! port=$("$sandbox" start "$dir" 2>"$scratch/fresh.err"); then
    fail "start in a new folder failed: $(cat "$scratch/fresh.err")"
    return
  fi
  started+=("$dir")
  [[ $port =~ ^[0-9]+$ ]] || fail "start printed no port: $port"
  "$sandbox" stop "$dir" || fail "stop failed"

  if ! again=$("$sandbox" start "$dir" 2>"$scratch/fresh.err"); then
    fail "start refused the folder it made: $(cat "$scratch/fresh.err")"
    return
  fi
  [[ $again =~ ^[0-9]+$ ]] || fail "the second start printed no port: $again"
  "$sandbox" psql "$dir" -q -t -A -c "SELECT 1" >/dev/null ||
    fail "the restarted server does not answer"
  "$sandbox" stop "$dir" || fail "the second stop failed"
}

# Records the mode the password file has when initdb reads it, then runs
# the real initdb; the other programs are the real ones.
make_recording_bin() {
  local bin="$scratch/$1" program
  mkdir "$bin"
  chmod 755 "$bin"
  for program in pg_ctl postgres psql; do
    ln -s "$pg_bin/$program" "$bin/$program"
  done
  cat >"$bin/initdb" <<EOF
#!/usr/bin/env bash
for arg in "\$@"; do
  case "\$arg" in
    --pwfile=*) echo "pwfile-mode: \$(stat -c %a "\${arg#--pwfile=}")" >&2 ;;
  esac
done
$2
EOF
  chmod 755 "$bin/initdb"
  echo "$bin"
}

test_keeps_the_password_off_the_servers_environment_and_the_disk() {
  local dir password="canary-Sbx-4Wq7" bin port pid
  dir=$(user_folder empty)
  bin=$(make_recording_bin recording-bin "exec \"$pg_bin/initdb\" \"\$@\"")

  if ! port=$(DSH_SANDBOX_PASSWORD=$password DSH_PG_BIN=$bin \
    "$sandbox" start "$dir" 2>"$scratch/empty.err"); then
    fail "start in an empty folder failed: $(cat "$scratch/empty.err")"
    return
  fi
  started+=("$dir")

  pid=$(sed -n 1p "$dir/data/postmaster.pid")
  if [[ ! -r /proc/$pid/environ ]]; then
    fail "cannot read the environment of server process $pid"
  elif tr '\0' '\n' <"/proc/$pid/environ" |
    grep -q -e DSH_SANDBOX_PASSWORD -e "$password"; then
    fail "the server's environment holds the password"
  fi
  grep -q "pwfile-mode: 600" "$dir/initdb.log" ||
    fail "initdb did not read a password file of mode 600:" \
      "$(grep pwfile-mode "$dir/initdb.log")"
  [[ ! -e "$dir/.pwfile" ]] || fail "the password file was left behind"
  if grep -r -q -F -e "$password" "$dir" 2>/dev/null; then
    fail "the password is on disk: $(grep -r -l -F -e "$password" "$dir")"
  fi
  PGPASSWORD=$password "$pg_bin/psql" -X -q -t -A -w -h 127.0.0.1 \
    -p "$port" -U postgres -d postgres -c "SELECT 1" >/dev/null ||
    fail "the password does not log in over TCP"
  "$sandbox" stop "$dir" || fail "stop failed"
}

test_a_failed_start_leaves_an_empty_folder_as_it_was() {
  local dir before bin
  dir=$(user_folder failing)
  before=$(stat_line "$dir")
  bin=$(make_recording_bin failing-bin "echo 'initdb: refusing' >&2; exit 1")

  if DSH_SANDBOX_PASSWORD=canary-Fail-2Rk DSH_PG_BIN=$bin \
    "$sandbox" start "$dir" >/dev/null 2>&1; then
    started+=("$dir")
    fail "start succeeded although initdb failed"
  fi

  [[ $(stat_line "$dir") == "$before" ]] ||
    fail "the folder changed from $before to $(stat_line "$dir")"
  [[ -z $(ls -A "$dir") ]] ||
    fail "the folder kept files: $(find "$dir" -mindepth 1 -printf '%f ')"
}

test_a_failed_start_removes_the_folder_it_made() {
  local dir="$scratch/never" bin
  bin=$(make_recording_bin failing-bin-2 "exit 1")

  if DSH_PG_BIN=$bin "$sandbox" start "$dir" >/dev/null 2>&1; then
    started+=("$dir")
    fail "start succeeded although initdb failed"
  fi

  [[ ! -e "$dir" ]] || fail "the folder the failed start made is still there"
}

test_owners_as_root() {
  is_root || {
    echo "note: not root, owners are not checked"
    return
  }
  local dir="$scratch/owned"
  if "$sandbox" start "$dir" >/dev/null 2>&1; then
    started+=("$dir")
    [[ $(stat -c %U "$dir") == nobody ]] ||
      fail "a folder the script made is not the server user's"
    [[ -f "$dir/.pg-sandbox" ]] || fail "a folder the script made is unmarked"
    "$sandbox" stop "$dir" || fail "stop failed"
  else
    fail "start in a new folder failed as root"
  fi
}

for test in \
  test_refuses_a_folder_holding_a_users_files \
  test_refuses_a_file_in_place_of_a_folder \
  test_starts_in_a_new_folder_and_again_after_a_stop \
  test_keeps_the_password_off_the_servers_environment_and_the_disk \
  test_a_failed_start_leaves_an_empty_folder_as_it_was \
  test_a_failed_start_removes_the_folder_it_made \
  test_owners_as_root; do
  before=$failures
  $test
  if [[ $failures -eq $before ]]; then
    echo "ok: ${test#test_}"
  else
    echo "not ok: ${test#test_}"
  fi
done

[[ $failures -eq 0 ]] || {
  echo "$failures check(s) failed"
  exit 1
}
echo "all passed"
