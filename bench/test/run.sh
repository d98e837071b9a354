#!/usr/bin/env bash
# Issue 4 speed: `dockwright test` (image already built, trivial test command) against
# `docker run --rm --network none <same image> <same command>` on a 1,000-file repository, and
# the size of what each approach ships: dockwright's payload versus `docker build .`'s context
# with a node_modules and a .venv present.
#
#   bash bench/test/run.sh
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
cargo build --release --quiet --bin dockwright
bin="$root/target/release/dockwright"
bash tests/images/busybox.sh >/dev/null
out="$root/bench/out"
mkdir -p "$out"
work=$(mktemp -d /tmp/dwbench-test.XXXXXX)
dir="$work/dwbench-test"
trap 'docker rmi -f $(docker images -q --filter label=dev.dockwright.project=dwbench-test) >/dev/null 2>&1 || true; rm -rf "$work"' EXIT
mkdir -p "$dir"
cd "$dir"
git init -q -b main
printf 'FROM dockwright-test/busybox:1\nWORKDIR /app\nCOPY requirements.txt /deps/\nUSER 1000:1000\n' > Dockerfile.runtime
printf 'flask==3.0.0\n' > requirements.txt
printf '[services.app]\ntest = ["true"]\n' > dockwright.toml
printf 'node_modules/\n.venv/\n.env\n' > .gitignore
for i in $(seq 1 1000); do mkdir -p "src/p$((i % 50))"; echo "x = $i" > "src/p$((i % 50))/m$i.py"; done
git add -A && git -c user.email=b@e -c user.name=b commit -q -m init
# What a developer's tree also holds, untracked and ignored.
mkdir -p node_modules/big .venv/lib
head -c 50000000 /dev/urandom > node_modules/big/blob.bin
head -c 20000000 /dev/urandom > .venv/lib/blob.so
"$bin" build >/dev/null
image=$("$bin" status --format json | sed -n 's/.*"image": "\(.*\)".*/\1/p')
echo "image: $image"

hyperfine -N --warmup 3 --runs 30 --export-json "$out/test.json" \
  -n "dockwright test" "$bin -C $dir test" \
  -n "docker run --rm --network none" "docker run --rm --network none $image true" >/dev/null

shipped=$("$bin" test --format json 2>/dev/null | sed -n 's/.*"bytes": \([0-9]*\).*/\1/p')
context=$(tar -c --exclude=.git -f - . | wc -c)
context_all=$(tar -c -f - . | wc -c)
python3 - "$out/test.json" "$shipped" "$context" "$context_all" <<'PY'
import json, statistics, sys
rows = {r["command"]: statistics.median(r["times"]) * 1000 for r in json.load(open(sys.argv[1]))["results"]}
for name, ms in rows.items():
    print(f"{name:35s} median {ms:8.1f} ms")
print(f"dockwright test / docker run --rm:  {rows['dockwright test'] / rows['docker run --rm --network none']:.2f}x (target <= 1.3x)")
shipped, context, context_all = map(int, sys.argv[2:5])
print(f"dockwright ships {shipped/1e6:.2f} MB of file content; `docker build .` would send {context/1e6:.1f} MB ({context_all/1e6:.1f} MB with .git)")
PY
