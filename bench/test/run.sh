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

# Two more rows say where the difference goes. The same hardening as dockwright's defaults, by
# hand, with the anonymous volume at the workdir that a read-only root needs, but no source;
# and the whole thing by hand with the docker CLI: create, copy the tracked files in, start, remove.
hardened="--network none --read-only --tmpfs /tmp --cap-drop ALL --security-opt no-new-privileges --user 1000:1000 --pids-limit 512 --memory 2g --init -v /app -w /app"
git archive --format=tar HEAD > "$work/source.tar"
hyperfine -N --warmup 3 --runs 30 --export-json "$out/test.json" \
  -n "dockwright test" "$bin -C $dir test" \
  -n "docker run --rm --network none" "docker run --rm --network none $image true" \
  -n "docker run --rm, hardened, volume" "docker run --rm $hardened $image true" \
  -n "by hand: create, cp, start, rm" "sh -c 'id=\$(docker create $hardened $image true) && docker cp - \$id:/app < $work/source.tar && docker start -a \$id; docker rm -fv \$id >/dev/null'" >/dev/null

shipped=$("$bin" test --format json 2>/dev/null | sed -n 's/.*"bytes": \([0-9]*\).*/\1/p')
context=$(tar -c --exclude=.git -f - . | wc -c)
context_all=$(tar -c -f - . | wc -c)
python3 - "$out/test.json" "$shipped" "$context" "$context_all" <<'PY'
import json, statistics, sys
rows = {r["command"]: statistics.median(r["times"]) * 1000 for r in json.load(open(sys.argv[1]))["results"]}
for name, ms in rows.items():
    print(f"{name:35s} median {ms:8.1f} ms")
base = rows['docker run --rm --network none']
print(f"dockwright test / docker run --rm:  {rows['dockwright test'] / base:.2f}x (target <= 1.3x)")
print(f"hardened + volume / docker run --rm: {rows['docker run --rm, hardened, volume'] / base:.2f}x (no source shipped)")
print(f"by hand / docker run --rm:          {rows['by hand: create, cp, start, rm'] / base:.2f}x (the same guarantees with the docker CLI)")
shipped, context, context_all = map(int, sys.argv[2:5])
print(f"dockwright ships {shipped/1e6:.2f} MB of file content; `docker build .` would send {context/1e6:.1f} MB ({context_all/1e6:.1f} MB with .git)")
PY
