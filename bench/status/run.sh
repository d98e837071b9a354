#!/usr/bin/env bash
# Issue 2 speed: `dockwright status` on a fresh image against the usual hand-written check and
# against `docker image inspect`, on a 10,000-file and a 100-file repository, in one run.
#
#   bash bench/status/run.sh            # builds release binaries, prints medians and ratios
#
# Needs hyperfine (Debian package) and the busybox base image (tests/images/busybox.sh).
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
cargo build --release --quiet --bin dockwright
bin="$root/target/release/dockwright"
# The floor under any status that asks the engine: a static C program that only sends the one
# inspect request (no repository, no hashing). What dockwright adds is its distance from this.
floor="$root/target/release/status-floor"
gcc -O2 -static -o "$floor" "$root/bench/status/floor.c"
socket=/var/run/docker.sock
case "${DOCKER_HOST:-}" in unix://*) socket=${DOCKER_HOST#unix://} ;; esac
bash tests/images/busybox.sh >/dev/null
out="$root/bench/out"
mkdir -p "$out"
work=$(mktemp -d /tmp/dwbench-status.XXXXXX)
# (Two label filters would have to match both: list each project on its own.)
cleanup() {
  for p in dwbench-status-10000 dwbench-status-100; do
    docker rmi -f $(docker images -q --filter "label=dev.dockwright.project=$p") >/dev/null 2>&1 || true
  done
  rm -rf "$work"
}
trap cleanup EXIT

make_repo() { # $1 = number of tracked files outside the inputs
  local dir="$work/dwbench-status-$1"
  mkdir -p "$dir/src"
  (
    cd "$dir"
    git init -q -b main
    printf 'FROM dockwright-test/busybox:1\nWORKDIR /app\nCOPY requirements.txt /deps/\nRUN cp /deps/requirements.txt /deps/installed\nUSER 1000:1000\n' > Dockerfile.runtime
    printf 'flask==3.0.0\nrequests==2.32.0\n' > requirements.txt
    printf '.git\n.env\n__pycache__\n' > .dockerignore
    for i in $(seq 1 "$1"); do
      d="src/pkg$((i % 100))"
      mkdir -p "$d"
      echo "x = $i" > "$d/mod$i.py"
    done
    git add -A && git -c user.email=b@e -c user.name=b commit -q -m init
    "$bin" build >/dev/null
    touch .docker-built
  )
  echo "$dir"
}

big=$(make_repo 10000)
small=$(make_repo 100)
tag=$(cd "$big" && "$bin" status --format json | sed -n 's/.*"image": "\(.*\)".*/\1/p')
echo "image: $tag"

hyperfine -N --warmup 10 --runs 100 --export-json "$out/status.json" \
  -n "dockwright status (10,000 files)" "$bin -C $big status" \
  -n "dockwright status (100 files)" "$bin -C $small status" \
  -n "[ requirements.txt -nt .docker-built ]" "sh -c 'cd $big && [ requirements.txt -nt .docker-built ]; true'" \
  -n "engine floor (one inspect request, static C)" "$floor $socket $tag" \
  -n "docker image inspect" "docker image inspect $tag" >/dev/null

python3 - "$out/status.json" <<'PY'
import json, statistics, sys
rows = {r["command"]: statistics.median(r["times"]) * 1000 for r in json.load(open(sys.argv[1]))["results"]}
for name, ms in rows.items():
    print(f"{name:45s} median {ms:8.2f} ms")
dw = rows["dockwright status (10,000 files)"]
print(f"dockwright / shell -nt check:          {dw / rows['[ requirements.txt -nt .docker-built ]']:.2f}x (target <= 2x)")
print(f"docker image inspect / dockwright:     {rows['docker image inspect'] / dw:.2f}x (target >= 5x)")
print(f"10,000 files / 100 files:              {dw / rows['dockwright status (100 files)']:.2f}x (target ~1x)")
floor = rows["engine floor (one inspect request, static C)"]
print(f"engine floor / shell -nt check:        {floor / rows['[ requirements.txt -nt .docker-built ]']:.2f}x (the least any engine-asking check costs)")
print(f"dockwright - engine floor:             {dw - floor:.2f} ms")
PY
