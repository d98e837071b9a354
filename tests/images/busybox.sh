#!/usr/bin/env bash
# Makes the fast base image the tests use: FROM scratch plus Debian's statically linked busybox.
# Reused when present (looked up by tag). Needs Debian's busybox-static (.ci/run installs it).
set -euo pipefail
TAG="${1:-dockwright-test/busybox:1}"
if docker image inspect "$TAG" >/dev/null 2>&1; then exit 0; fi
BUSYBOX=$(command -v busybox || true)
if [ -z "$BUSYBOX" ] || ! file "$BUSYBOX" 2>/dev/null | grep -q "statically linked"; then
  BUSYBOX=/bin/busybox
fi
[ -x "$BUSYBOX" ] || { echo "busybox-static is not installed: apt-get install busybox-static" >&2; exit 1; }
ctx=$(mktemp -d)
trap 'rm -rf "$ctx"' EXIT
cp "$BUSYBOX" "$ctx/busybox"
cat > "$ctx/Dockerfile" <<'DOCKERFILE'
FROM scratch
COPY busybox /bin/busybox
RUN ["/bin/busybox", "--install", "-s", "/bin"]
RUN mkdir -p /tmp /etc /home/app /app && chmod 1777 /tmp \
 && echo 'root:x:0:0:root:/root:/bin/sh' > /etc/passwd \
 && echo 'app:x:1000:1000:app:/home/app:/bin/sh' >> /etc/passwd \
 && echo 'root:x:0:' > /etc/group && echo 'app:x:1000:' >> /etc/group \
 && chown 1000:1000 /home/app /app
ENV PATH=/usr/local/bin:/usr/bin:/bin
DOCKERFILE
docker build -q -t "$TAG" "$ctx" >/dev/null
echo "made $TAG"
