#!/usr/bin/env bash
# Issue 13 speed: a proven re-run of `dockwright test` (the same commit, image, command and
# settings passed before: nothing runs) against `dockwright status` in the same run, on 1,000
# and 10,000 tracked files. Goal: the proven re-run at most 2x `dockwright status`. A real run
# (`--rerun`) is timed beside them for scale.
#
#   bash bench/test/proven.sh              # builds the release binary
#   BIN=/path/to/dockwright SIZES="1000" bash bench/test/proven.sh
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
if [ -z "${BIN:-}" ]; then
  cargo build --release --quiet --bin dockwright
  BIN="${CARGO_TARGET_DIR:-$root/target}/release/dockwright"
fi
bash tests/images/busybox.sh >/dev/null
out="$root/bench/out"
mkdir -p "$out"
work=$(mktemp -d /tmp/dwbench-proven.XXXXXX)
trap 'docker rmi -f $(docker images -q --filter label=dev.dockwright.project=dwbench-proven) >/dev/null 2>&1 || true; rm -rf "$work"' EXIT

for files in ${SIZES:-1000 10000}; do
  dir="$work/$files/dwbench-proven"
  mkdir -p "$dir"
  cd "$dir"
  git init -q -b main
  printf 'FROM dockwright-test/busybox:1\nWORKDIR /app\nCOPY requirements.txt ./\nUSER 1000:1000\n' > Dockerfile.runtime
  printf 'flask==3.0.0\n' > requirements.txt
  printf '[services.app]\ntest = ["true"]\n' > dockwright.toml
  for i in $(seq 1 "$files"); do mkdir -p "src/p$((i % 100))"; echo "x = $i" > "src/p$((i % 100))/m$i.py"; done
  git add -A && git -c user.email=b@e -c user.name=b commit -q -m init
  "$BIN" build >/dev/null 2>&1
  "$BIN" test --rerun >/dev/null 2>&1
  if ! "$BIN" test 2>&1 | grep -q 'passed: proven'; then
    echo "the re-run was not proven" >&2
    exit 1
  fi
  hyperfine -N --warmup 5 --runs 40 --export-json "$out/proven-$files.json" \
    -n "dockwright status" "$BIN -C $dir status" \
    -n "dockwright test (proven)" "$BIN -C $dir test" >/dev/null
  hyperfine -N --warmup 1 --runs 10 --export-json "$out/rerun-$files.json" \
    -n "dockwright test --rerun" "$BIN -C $dir test --rerun" >/dev/null
  cd "$root"
  python3 - "$files" "$out/proven-$files.json" "$out/rerun-$files.json" <<'PY'
import json, statistics, sys
rows = {}
for path in sys.argv[2:]:
    for r in json.load(open(path))["results"]:
        rows[r["command"]] = statistics.median(r["times"]) * 1000
print(f"{int(sys.argv[1]):,} files")
for name, ms in rows.items():
    print(f"  {name:28s} median {ms:8.1f} ms")
status, proven = rows["dockwright status"], rows["dockwright test (proven)"]
print(f"  proven re-run / status:      {proven / status:.2f}x (target <= 2x)")
print(f"  proven re-run / real run:    {proven / rows['dockwright test --rerun']:.3f}x")
PY
done
