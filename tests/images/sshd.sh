#!/usr/bin/env bash
# Starts a private ssh server (Debian's openssh-server) on a free port of 127.0.0.1, with a host
# key and a client key pair made on the spot, so that `DOCKER_HOST=ssh://…` reaches this machine's
# own engine as it would reach a remote one. Nothing outside its directory is read or changed:
# not ~/.ssh, not /etc/ssh.
#
# Usage:
#   tests/images/sshd.sh            start one; prints KEY=VALUE lines:
#       SSHD_HOST=dockwright-sshd   the host alias, defined in SSHD_CONFIG
#       SSHD_PORT=…  SSHD_USER=…    the port and the user it lets in (the caller)
#       SSHD_KEY=…                  the client's private key (its public key is authorised)
#       SSHD_KNOWN_HOSTS=…          a known_hosts file holding the server's host key
#       SSHD_CONFIG=…               an ssh client config: `ssh -F $SSHD_CONFIG $SSHD_HOST`
#       SSHD_BIN=…                  a directory whose `ssh` uses SSHD_CONFIG: put it first in PATH
#                                   for the docker CLI or a library that runs `ssh` (neither
#                                   takes -F), then `DOCKER_HOST=ssh://$SSHD_HOST`
#       SSHD_PID=…  SSHD_DIR=…      the server process and its directory (log: $SSHD_DIR/log)
#   tests/images/sshd.sh --stop DIR stop the one in DIR and remove DIR
#
# Example: eval "$(tests/images/sshd.sh)"
#          PATH="$SSHD_BIN:$PATH" DOCKER_HOST="ssh://$SSHD_HOST" docker version
set -euo pipefail

if [ "${1:-}" = "--stop" ]; then
  dir=${2:?usage: sshd.sh --stop DIR}
  if [ -s "$dir/pid" ]; then
    pid=$(cat "$dir/pid")
    kill "$pid" 2>/dev/null || true
    for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.05; done
    kill -KILL "$pid" 2>/dev/null || true
  fi
  rm -rf "$dir"
  exit 0
fi

SSHD=$(command -v sshd || echo /usr/sbin/sshd)
[ -x "$SSHD" ] || {
  echo "error: \`sshd\` is not installed" >&2
  echo "help: run \`bash .ci/setup packages\` (Debian's openssh-server package)" >&2
  exit 1
}

ALIAS=dockwright-sshd
user=$(id -un)
dir=$(mktemp -d "${TMPDIR:-/tmp}/dockwright-sshd.XXXXXX")
chmod 700 "$dir"
ssh-keygen -q -t ed25519 -N '' -C dockwright-test-host -f "$dir/host_key"
ssh-keygen -q -t ed25519 -N '' -C dockwright-test-client -f "$dir/id_ed25519"
cp "$dir/id_ed25519.pub" "$dir/authorized_keys"
chmod 600 "$dir/authorized_keys"
# sshd refuses to start without its privilege-separation directory.
[ -d /run/sshd ] || mkdir -p /run/sshd 2>/dev/null || true

mkdir -p "$dir/bin"
cat >"$dir/bin/ssh" <<EOF
#!/bin/sh
exec $(command -v ssh) -F '$dir/ssh_config' "\$@"
EOF
chmod +x "$dir/bin/ssh"

port_is_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

for _attempt in 1 2 3 4 5; do
  port=$((20000 + RANDOM % 40000))
  port_is_free "$port" || continue
  # Only this directory's key is accepted; StrictModes is off because the directory lives under
  # a world-writable /tmp, which sshd would otherwise refuse.
  cat >"$dir/sshd_config" <<EOF
ListenAddress 127.0.0.1
Port $port
HostKey $dir/host_key
PidFile $dir/sshd.pid
AuthorizedKeysFile $dir/authorized_keys
AllowUsers $user
PermitRootLogin prohibit-password
PasswordAuthentication no
KbdInteractiveAuthentication no
UsePAM no
StrictModes no
PrintMotd no
LogLevel INFO
EOF
  cat >"$dir/ssh_config" <<EOF
Host $ALIAS
  HostName 127.0.0.1
  Port $port
  User $user
  IdentityFile $dir/id_ed25519
  IdentitiesOnly yes
  UserKnownHostsFile $dir/known_hosts
  StrictHostKeyChecking yes
  BatchMode yes
  LogLevel ERROR
EOF
  echo "[127.0.0.1]:$port $(cut -d' ' -f1,2 "$dir/host_key.pub")" >"$dir/known_hosts"
  : >"$dir/log"
  # -D: stay in the foreground (its pid is ours to stop); -e: log to the file below.
  setsid "$SSHD" -D -e -f "$dir/sshd_config" >"$dir/log" 2>&1 </dev/null &
  pid=$!
  echo "$pid" >"$dir/pid"
  # Ready when it says so in its log.
  for _ in $(seq 1 200); do
    if ! kill -0 "$pid" 2>/dev/null; then break; fi
    if grep -q "Server listening on 127.0.0.1 port $port" "$dir/log"; then
      printf 'SSHD_HOST=%s\nSSHD_PORT=%s\nSSHD_USER=%s\nSSHD_KEY=%s\nSSHD_KNOWN_HOSTS=%s\nSSHD_CONFIG=%s\nSSHD_BIN=%s\nSSHD_PID=%s\nSSHD_DIR=%s\n' \
        "$ALIAS" "$port" "$user" "$dir/id_ed25519" "$dir/known_hosts" "$dir/ssh_config" "$dir/bin" "$pid" "$dir"
      exit 0
    fi
    sleep 0.05
  done
  kill "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
done

echo "error: sshd did not start; its last log lines:" >&2
tail -n 20 "$dir/log" >&2
rm -rf "$dir"
exit 1
