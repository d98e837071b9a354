#!/usr/bin/env bash
# Starts a private image registry (Debian's `docker-registry`, the distribution registry 2.8) on a
# free port of 127.0.0.1 for a test or a bench, and prints how to reach it. The engine accepts
# plain-http registries on loopback, so no TLS is needed.
#
# Usage:
#   tests/images/registry.sh [--auth USER:PASSWORD]   start one; prints KEY=VALUE lines:
#       REGISTRY=127.0.0.1:PORT      the address to push to (`$REGISTRY/name:tag`)
#       REGISTRY_PID=…               the registry process
#       REGISTRY_DIR=…               its config, storage, htpasswd and log (`log`)
#   tests/images/registry.sh --stop DIR               stop the one in DIR and remove DIR
#
# In a shell: `eval "$(tests/images/registry.sh --auth alice:secret)"`. With --auth the registry
# checks htpasswd (bcrypt) credentials, as a team's registry would; `docker login $REGISTRY`
# then works. The process outlives this script: stop it with --stop (a test does so on drop).
set -euo pipefail

if [ "${1:-}" = "--stop" ]; then
  dir=${2:?usage: registry.sh --stop DIR}
  if [ -s "$dir/pid" ]; then
    pid=$(cat "$dir/pid")
    kill "$pid" 2>/dev/null || true
    # Gone before this returns, so a caller that counts processes sees it gone.
    for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.05; done
    kill -KILL "$pid" 2>/dev/null || true
  fi
  rm -rf "$dir"
  exit 0
fi

auth=""
if [ "${1:-}" = "--auth" ]; then auth=${2:?usage: registry.sh --auth USER:PASSWORD}; fi

command -v docker-registry >/dev/null || {
  echo "error: \`docker-registry\` is not installed" >&2
  echo "help: run \`bash .ci/setup packages\` (Debian's docker-registry package)" >&2
  exit 1
}

dir=$(mktemp -d "${TMPDIR:-/tmp}/dockwright-registry.XXXXXX")
mkdir -p "$dir/data"
auth_config=""
if [ -n "$auth" ]; then
  # The registry accepts only bcrypt entries.
  htpasswd -Bbn "${auth%%:*}" "${auth#*:}" >"$dir/htpasswd"
  auth_config=$(printf 'auth:\n  htpasswd:\n    realm: dockwright-test\n    path: %s\n' "$dir/htpasswd")
fi

# A port nobody listens on; the registry itself is the real test (another process may take the
# port between the probe and the bind), so a failed start tries another one.
port_is_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

for _attempt in 1 2 3 4 5; do
  port=$((20000 + RANDOM % 40000))
  port_is_free "$port" || continue
  cat >"$dir/config.yml" <<EOF
version: 0.1
log:
  level: info
  accesslog:
    disabled: true
storage:
  filesystem:
    rootdirectory: $dir/data
  delete:
    enabled: true
http:
  addr: 127.0.0.1:$port
$auth_config
EOF
  : >"$dir/log"
  setsid docker-registry serve "$dir/config.yml" >"$dir/log" 2>&1 </dev/null &
  pid=$!
  echo "$pid" >"$dir/pid"
  # Ready when it answers /v2/ (200 without auth, 401 with): a marker, not a guess of a delay.
  for _ in $(seq 1 200); do
    if ! kill -0 "$pid" 2>/dev/null; then break; fi
    code=$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port/v2/" || true)
    if [ "$code" = 200 ] || [ "$code" = 401 ]; then
      printf 'REGISTRY=127.0.0.1:%s\nREGISTRY_PID=%s\nREGISTRY_DIR=%s\n' "$port" "$pid" "$dir"
      exit 0
    fi
    sleep 0.05
  done
  kill "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
done

echo "error: the registry did not start; its last log lines:" >&2
tail -n 20 "$dir/log" >&2
rm -rf "$dir"
exit 1
