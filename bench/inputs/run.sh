#!/usr/bin/env bash
# Issue 18 item 6: the cost of resolving pathological inputs. `dockwright status` on a repository
# whose runtime Dockerfile has N `COPY many/* …` lines over 10,000 files in `many/`, against the
# same repository with one such line (what the work is worth when each source is read once), in
# one run.
#
#   bash bench/inputs/run.sh                 # builds a release binary, 2,000 lines
#   LINES=500 DOCKWRIGHT=target/debug/dockwright bash bench/inputs/run.sh
#
# Needs hyperfine (Debian package). No engine call is slow here: no image exists, so status
# reports the service as not built after computing its fingerprint.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
lines=${LINES:-2000}
files=${FILES:-10000}
if [ -z "${DOCKWRIGHT:-}" ]; then
  cargo build --release --quiet --bin dockwright
  DOCKWRIGHT="${CARGO_TARGET_DIR:-$root/target}/release/dockwright"
fi
bin=$(realpath "$DOCKWRIGHT")
work=$(mktemp -d /tmp/dwbench-inputs.XXXXXX)
trap 'rm -rf "$work"' EXIT

make_repo() { # $1 = name, $2 = number of COPY lines
  local dir="$work/$1"
  mkdir -p "$dir/many"
  (
    cd "$dir"
    git init -q -b main
    {
      echo 'FROM dockwright-test/busybox:1'
      for i in $(seq 1 "$2"); do echo "COPY many/* /app/many$i/"; done
    } > Dockerfile.runtime
    printf '.git\n' > .dockerignore
    seq 1 "$files" | while read -r i; do echo "$i" > "many/f$i.txt"; done
    git add -A && git -c user.email=b@e -c user.name=b commit -q -m init
  )
  echo "$dir"
}

many=$(make_repo many "$lines")
one=$(make_repo one 1)
hyperfine -N -i --warmup 1 --runs "${RUNS:-3}" \
  -n "status, $lines COPY lines over $files files" "$bin -C $many status" \
  -n "status, 1 COPY line over $files files" "$bin -C $one status"
