#!/usr/bin/env bash
# Benchmark of the freshness hooks (issue 3), against the alternatives, in one run:
#
#   1. `git checkout` between two branches of a 10,000-file repository that differ in 100 source
#      files only: no hooks, dockwright's hooks, and the usual hand-written shell check as the
#      post-checkout hook. Target: dockwright within 1.1x of no hooks, the engine asked on every
#      checkout (issue 12: an image can be pruned at any moment).
#   2. The post-checkout hook alone, run as git runs it (`<hooks>/post-checkout old new 1` in the
#      working tree root): dockwright's shim against the shell check
#      `[ requirements.txt -nt .docker-built ]`. Target: within 2x. Both branches are fresh; the
#      binary alone is shown too.
#
# Usage: bench/hooks/run.sh [BIN_DIR]
#   BIN_DIR holds `dockwright` and `dockwright-hook-*` (default: target/release; build it with
#   `cargo build --release`). Needs git, the Docker engine and Debian's busybox-static (for the
#   base image); uses hyperfine when present, else a loop timed with `date +%s%N`.
# Environment: RUNS (default 40), WARMUP (default 5). Results: bench/out/hooks.txt and *.json.
set -euo pipefail

top=$(cd "$(dirname "$0")/../.." && pwd)
bin_dir=$(cd "${1:-$top/target/release}" && pwd)
runs=${RUNS:-40}
warmup=${WARMUP:-5}
out="$top/bench/out"
mkdir -p "$out"
for b in dockwright dockwright-hook-post-checkout; do
  [ -x "$bin_dir/$b" ] || { echo "no $bin_dir/$b: run \`cargo build --release\` first" >&2; exit 1; }
done
bash "$top/tests/images/busybox.sh" >/dev/null

work=$(mktemp -d "${TMPDIR:-/tmp}/dockwright-bench-hooks.XXXXXX")
project="dwbench-$(basename "$work" | tr 'A-Z' 'a-z' | tr -cd 'a-z0-9-')"
cleanup() {
  ids=$(docker images -q --filter "label=dev.dockwright.project=$project" | sort -u)
  [ -z "$ids" ] || docker rmi -f $ids >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT

# Git's local variables must not leak in (a bench started from a hook would inherit them).
unset GIT_DIR GIT_WORK_TREE GIT_INDEX_FILE
export GIT_CONFIG_NOSYSTEM=1 NO_COLOR=1
repo="$work/repo"
git init -q -b main "$repo"
cd "$repo"
git config user.email bench@example.com
git config user.name bench
git config commit.gpgsign false
echo "project = \"$project\"" > dockwright.toml
printf 'FROM dockwright-test/busybox:1\nWORKDIR /app\nCOPY requirements.txt /deps/\nRUN cp /deps/requirements.txt /deps/installed\n' > Dockerfile.runtime
echo "flask==3.0.0" > requirements.txt
echo ".docker-built" > .gitignore
for d in $(seq -w 0 99); do
  mkdir -p "src/m$d"
  for f in $(seq -w 0 99); do echo "VALUE = \"$d$f\"" > "src/m$d/f$f.py"; done
done
echo "files: $(git ls-files --others --exclude-standard | wc -l) (+ the index of the first commit)"
git add -A && git commit -q -m main
git checkout -q -b other
for d in $(seq -w 0 99); do echo "VALUE = \"changed\"" > "src/m$d/f00.py"; done
git commit -q -am "100 source files changed"
git checkout -q main
old=$(git rev-parse main)
new=$(git rev-parse other)
echo "tracked files: $(git ls-files | wc -l); branches differ in $(git diff --name-only main other | wc -l) source files"

# Three hook directories, chosen per command with `-c core.hooksPath=…`.
none="$work/hooks-none"; mkdir -p "$none"
shell="$work/hooks-shell"; mkdir -p "$shell"
cat > "$shell/post-checkout" <<'SH'
#!/bin/sh
# The usual hand-written check: warn when the manifest is newer than the last build.
if [ requirements.txt -nt .docker-built ]; then
  echo "requirements.txt changed: rebuild the runtime image" >&2
fi
exit 0
SH
chmod +x "$shell/post-checkout"
dw="$work/hooks-dockwright"
git config core.hooksPath "$dw"
"$bin_dir/dockwright" hooks install >/dev/null
git config --unset core.hooksPath
"$bin_dir/dockwright" build >/dev/null 2>&1
touch .docker-built
# Both branches are fresh for both checks: the hooks print nothing, as on most checkouts.
if [ -n "$("$dw/post-checkout" "$old" "$new" 1 2>&1)" ] || [ -n "$("$shell/post-checkout" "$old" "$new" 1 2>&1)" ]; then
  echo "a hook printed something on a fresh checkout; the comparison would be unfair" >&2
  exit 1
fi

results="$out/hooks.txt"
: > "$results"
median_of() { sort -n | awk '{a[NR]=$1} END {if (NR%2) print a[(NR+1)/2]; else print (a[NR/2]+a[NR/2+1])/2}'; }

# measure NAME PREPARE COMMAND: median wall time in ms of COMMAND, PREPARE run before each run.
measure() {
  local name=$1 prepare=$2 cmd=$3 median
  if command -v hyperfine >/dev/null; then
    hyperfine -N --style none --warmup "$warmup" --runs "$runs" --prepare "$prepare" \
      --export-json "$out/hooks-$name.json" "$cmd" >/dev/null
    median=$(python3 -c "import json,sys; print('%.2f' % (json.load(open(sys.argv[1]))['results'][0]['median']*1000))" "$out/hooks-$name.json")
  else
    local i t0 t1 times=()
    for i in $(seq 1 $((warmup + runs))); do
      sh -c "$prepare"
      t0=$(date +%s%N); sh -c "$cmd" >/dev/null 2>&1; t1=$(date +%s%N)
      [ "$i" -gt "$warmup" ] && times+=($(( (t1 - t0) / 1000 )))
    done
    median=$(printf '%s\n' "${times[@]}" | median_of | awk '{printf "%.2f", $1/1000}')
  fi
  printf '%-28s %8s ms   %s\n' "$name" "$median" "$cmd" | tee -a "$results" >&2
  echo "$median"
}

back="git -c core.hooksPath=$none checkout -q main"
echo "== git checkout main -> other (median of $runs, prepare: $back)" | tee -a "$results" >&2
c_none=$(measure checkout-no-hooks "$back" "git -c core.hooksPath=$none checkout -q other")
c_shell=$(measure checkout-shell-check "$back" "git -c core.hooksPath=$shell checkout -q other")
c_dw=$(measure checkout-dockwright "$back" "git -c core.hooksPath=$dw checkout -q other")

git -c core.hooksPath="$none" checkout -q other
echo "== the post-checkout hook alone, as git runs it (median of $runs)" | tee -a "$results" >&2
h_shell=$(measure hook-shell-check "true" "$shell/post-checkout $old $new 1")
h_dw=$(measure hook-dockwright "true" "$dw/post-checkout $old $new 1")
# For reference: the binary's own check (the engine asked, as through the shim) and the shim
# skipped by the variable.
h_bin=$(measure hook-binary-alone "true" "$bin_dir/dockwright-hook-post-checkout $old $new 1")
h_skip=$(measure hook-dockwright-skipped "true" "env DOCKWRIGHT_SKIP=1 $dw/post-checkout $old $new 1")

ratio() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.2f", a / b}'; }
{
  echo "== ratios"
  echo "checkout with dockwright / no hooks:   $(ratio "$c_dw" "$c_none")x (target <= 1.1x)"
  echo "checkout with shell check / no hooks:  $(ratio "$c_shell" "$c_none")x"
  echo "dockwright hook / shell-check hook:    $(ratio "$h_dw" "$h_shell")x (target <= 2x)"
  echo "engine: $(docker version --format '{{.Server.Version}}' 2>/dev/null); git: $(git --version); $(nproc) cores"
} | tee -a "$results"
