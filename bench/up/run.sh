#!/usr/bin/env bash
# Issue 12's bench: `dockwright up`'s watch against Compose Watch (`develop.watch` with a
# `rebuild` action on the same manifest), in one run, on one project on the busybox stand-in:
#
#   1. rebuilds caused by 20 `touch`es and by 20 saves of the same bytes, a second apart (goal:
#      0 for dockwright);
#   2. seconds from saving a changed manifest to the new container running its new image, 5
#      times each, median (goal: no slower than Compose Watch);
#   3. CPU used by the watching process over 60 idle seconds, in % of one core (goal: < 0.5%).
#
#   bash bench/up/run.sh                  # builds the release binary first
#   DOCKWRIGHT=/path/to/dockwright bash bench/up/run.sh
#
# Needs Compose v2 (`docker compose watch`, 2.22 or later). Prints a table; the raw event logs
# stay in bench/out/up-*.log.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
if [ -z "${DOCKWRIGHT:-}" ]; then
  cargo build --release --quiet --bin dockwright
  DOCKWRIGHT="$root/target/release/dockwright"
fi
bin=$DOCKWRIGHT
bash tests/images/busybox.sh >/dev/null
docker compose version >/dev/null
out="$root/bench/out"
mkdir -p "$out"
work=$(mktemp -d /tmp/dwbench-up.XXXXXX)
dir="$work/dwbench-up"
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill -INT "$p" 2>/dev/null || true; done
  sleep 2
  for p in "${pids[@]}"; do kill -KILL "$p" 2>/dev/null || true; done
  (cd "$dir" 2>/dev/null && docker compose down -t 0 >/dev/null 2>&1; docker compose -f compose.watch.yaml down -t 0 >/dev/null 2>&1) || true
  docker rmi -f $(docker images -q --filter label=dev.dockwright.project=dwbench-up) >/dev/null 2>&1 || true
  docker rmi -f dwbench-up-watch >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT
mkdir -p "$dir"
cd "$dir"
git init -q -b main
# The server prints the requirements its image holds, then idles.
printf 'FROM dockwright-test/busybox:1\nWORKDIR /app\nCOPY requirements.txt /deps/\nLABEL dev.dockwright.project=dwbench-up\nUSER 1000:1000\nCMD ["sh", "-c", "echo serving $(cat /deps/requirements.txt); trap \\"exit 0\\" TERM; while :; do sleep 1; done"]\n' > Dockerfile.runtime
printf 'flask==3.0.0\n' > requirements.txt
printf '*.log\n' > .dockerignore
printf 'project = "dwbench-up"\n[services.app]\ntest = ["true"]\n' > dockwright.toml
cat > compose.yaml <<'EOF'
services:
  app:
    image: ${DOCKWRIGHT_IMAGE_APP:-app-runtime-image:run-dockwright-up}
    pull_policy: never
    labels:
      dev.dockwright.project: dwbench-up
EOF
# The same service as Compose Watch users write it: compose builds it, and rebuilds it on any
# event under the manifest's path.
cat > compose.watch.yaml <<'EOF'
name: dwbench-up-watch
services:
  app:
    build:
      context: .
      dockerfile: Dockerfile.runtime
    image: dwbench-up-watch
    labels:
      dev.dockwright.project: dwbench-up
    develop:
      watch:
        - action: rebuild
          path: requirements.txt
EOF
git add -A && git -c user.email=b@e -c user.name=b commit -q -m init

# CPU seconds (user + system) of a process and its children that have ended, from /proc.
cpu() { awk '{ print ($14 + $15 + $16 + $17) }' "/proc/$1/stat"; }
hz=$(getconf CLK_TCK)
# The image id a running container of the compose project `$1` runs (empty when none runs).
running_image() { docker ps -q --filter "label=com.docker.compose.project=$1" | head -n1 | xargs -r docker inspect --format '{{.Image}}'; }
wait_for() { # $1 seconds, $2... a command that succeeds when done
  local deadline=$((SECONDS + $1)); shift
  until "$@"; do [ $SECONDS -lt $deadline ] || return 1; sleep 0.05; done
}
storm() { # 20 touches, then 20 saves of the same bytes, 1 s apart (as a person saves)
  for _ in $(seq 20); do touch requirements.txt; sleep 1; done
  for _ in $(seq 20); do cp requirements.txt "$work/same"; cat "$work/same" > requirements.txt; sleep 1; done
  sleep 3
}
median() { sort -n | awk '{ a[NR] = $1 } END { print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2 }'; }

# --- dockwright up -------------------------------------------------------------------------
log="$out/up-dockwright.log"
"$bin" up --format json >"$log" 2>"$out/up-dockwright.stderr" &
dw=$!
pids+=("$dw")
wait_for 120 grep -q '"event":"watching"' "$log"
storm
# Builds after the watch began (the start-up build of the missing image is not the storm's).
dw_storm=$(sed -n '/"event":"watching"/,$p' "$log" | grep -c '"event":"building"' || true)
dw_times=()
for i in 1 2 3 4 5; do
  before=$(grep -c '"event":"swapped"' "$log" || true)
  old=$(running_image dwbench-up)
  start=$(date +%s.%N)
  printf 'flask==3.0.0\npkg%s==1.0\n' "$i" > requirements.txt
  wait_for 120 sh -c "[ \$(grep -c '\"event\":\"swapped\"' '$log') -gt $before ]"
  wait_for 30 sh -c "img=\$(docker ps -q --filter label=com.docker.compose.project=dwbench-up | head -n1 | xargs -r docker inspect --format '{{.Image}}'); [ -n \"\$img\" ] && [ \"\$img\" != '$old' ]"
  dw_times+=("$(echo "$(date +%s.%N) - $start" | bc)")
done
c0=$(cpu "$dw"); sleep 60; c1=$(cpu "$dw")
dw_cpu=$(echo "scale=3; ($c1 - $c0) * 100 / $hz / 60" | bc)
kill -INT "$dw"; wait "$dw" || true
git checkout -q requirements.txt

# --- Compose Watch -------------------------------------------------------------------------
log="$out/up-compose-watch.log"
docker compose -f compose.watch.yaml up -d --build >/dev/null 2>&1
docker compose -f compose.watch.yaml watch >"$log" 2>&1 &
cw=$!
pids+=("$cw")
sleep 5
rebuilt() { grep -ci 'rebuilding' "$log" || true; }
storm
cw_storm=$(rebuilt)
cw_times=()
for i in 1 2 3 4 5; do
  before=$(rebuilt)
  old=$(running_image dwbench-up-watch)
  start=$(date +%s.%N)
  printf 'flask==3.0.0\npkg%s==1.0\n' "$i" > requirements.txt
  wait_for 120 sh -c "[ \$(grep -ci rebuilding '$log') -gt $before ]"
  wait_for 60 sh -c "img=\$(docker ps -q --filter label=com.docker.compose.project=dwbench-up-watch | head -n1 | xargs -r docker inspect --format '{{.Image}}'); [ -n \"\$img\" ] && [ \"\$img\" != '$old' ]"
  cw_times+=("$(echo "$(date +%s.%N) - $start" | bc)")
done
# `docker compose` runs the plugin as its child: the watching process is that one.
watcher=$(pgrep -P "$cw" | head -n1)
watcher=${watcher:-$cw}
c0=$(cpu "$watcher"); sleep 60; c1=$(cpu "$watcher")
cw_cpu=$(echo "scale=3; ($c1 - $c0) * 100 / $hz / 60" | bc)
kill -INT "$cw"; wait "$cw" || true
git checkout -q requirements.txt

dw_med=$(printf '%s\n' "${dw_times[@]}" | median)
cw_med=$(printf '%s\n' "${cw_times[@]}" | median)
printf '\n%-36s %14s %14s\n' "" "dockwright up" "compose watch"
printf '%-36s %14s %14s\n' "rebuilds from 20 touch + 20 same" "$dw_storm" "$cw_storm"
printf '%-36s %14s %14s\n' "save to new container, median s" "$dw_med" "$cw_med"
printf '%-36s %14s %14s\n' "idle CPU over 60 s, % of a core" "$dw_cpu" "$cw_cpu"
printf '%-36s %14s\n' "ratio of medians (dockwright/watch)" "$(echo "scale=2; $dw_med / $cw_med" | bc)"
echo "runs: dockwright ${dw_times[*]}; compose watch ${cw_times[*]}"
