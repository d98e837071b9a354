#!/usr/bin/env bash
# Makes the stand-in base images the scaffolding tests build on (this machine cannot pull).
#
# One Debian bookworm minbase root file system with the four runtimes the real-build tests use
# (Python, Node, Go, Ruby), imported once and tagged with every base name the templates use for
# those stacks at their default versions. The tags match bookworm's own versions (python3 3.11,
# nodejs 18, golang-go 1.19, ruby 3.1), so the templates' defaults are honest.
#
# Idempotent: when every tag exists it does nothing; when the image exists under one tag the
# others are added; the rootfs tarball is cached in $DOCKWRIGHT_IMAGE_CACHE (default
# /var/cache/dockwright-test), so a re-import does not run debootstrap again.
#
# The packages come from the Debian mirror this machine's apt already uses (tests/images/mirror.sh;
# $DOCKWRIGHT_DEBIAN_MIRROR where apt has none), so the image is made wherever apt works.
#
# Usage: tests/images/debian.sh            make or reuse the images
#        tests/images/debian.sh --tags     print the tags, one a line (the tests read them)
set -euo pipefail
# debootstrap and chroot live in sbin, which a non-login PATH may lack.
export PATH="$PATH:/usr/sbin:/sbin"

TAGS=(
  "python:3.11-slim-bookworm"
  "node:18-bookworm-slim"
  "golang:1.19-bookworm"
  "ruby:3.1-slim-bookworm"
)
# The one name that owns the image; the others are tags of the same id.
PRIMARY="dockwright-test/debian:bookworm-1"
CACHE="${DOCKWRIGHT_IMAGE_CACHE:-/var/cache/dockwright-test}"
TARBALL="$CACHE/debian-bookworm-1.tar"
PACKAGES="python3 python3-pip python3-pytest python3-venv nodejs npm golang-go ruby bundler ca-certificates"

if [ "${1:-}" = "--tags" ]; then
  printf '%s\n' "${TAGS[@]}"
  exit 0
fi

all_tagged() {
  local id tag
  id=$(docker image inspect --format '{{.Id}}' "$PRIMARY" 2>/dev/null) || return 1
  for tag in "${TAGS[@]}"; do
    [ "$(docker image inspect --format '{{.Id}}' "$tag" 2>/dev/null)" = "$id" ] || return 1
  done
}

if all_tagged; then exit 0; fi

if ! docker image inspect "$PRIMARY" >/dev/null 2>&1; then
  if [ ! -s "$TARBALL" ]; then
    command -v debootstrap >/dev/null || {
      apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq debootstrap >/dev/null
    }
    MIRROR=$(bash "$(dirname "$0")/mirror.sh")
    mkdir -p "$CACHE"
    root=$(mktemp -d "$CACHE/rootfs.XXXXXX")
    trap 'rm -rf "$root"' EXIT
    echo "debootstrap bookworm into $root (a few minutes)" >&2
    debootstrap --variant=minbase bookworm "$root" "$MIRROR" >&2
    # apt, not debootstrap, installs the runtimes: debootstrap's resolver does not follow
    # virtual packages, and npm's dependencies need that.
    echo "deb $MIRROR bookworm main" > "$root/etc/apt/sources.list"
    chroot "$root" apt-get update -qq >&2
    # shellcheck disable=SC2086
    chroot "$root" env DEBIAN_FRONTEND=noninteractive \
      apt-get install -y -qq --no-install-recommends $PACKAGES >&2
    # Behave like the official images: `python` and `pip` on PATH, pip allowed to install
    # into the system (PEP 668's marker is what makes Debian's pip refuse).
    ln -sf python3 "$root/usr/bin/python"
    ln -sf pip3 "$root/usr/bin/pip"
    rm -f "$root"/usr/lib/python3*/EXTERNALLY-MANAGED
    # The official golang image's GOPATH, writable by any user (the templates run as non-root).
    mkdir -p "$root/go" && chmod 1777 "$root/go"
    chroot "$root" apt-get clean
    rm -rf "$root"/var/lib/apt/lists/* "$root"/var/cache/apt/*.bin "${root:?}"/tmp/* "${root:?}"/dev/*
    tar -C "$root" --numeric-owner -cf "$TARBALL.tmp" .
    mv "$TARBALL.tmp" "$TARBALL"
  fi
  docker import \
    --change 'ENV PATH=/go/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
    --change 'ENV LANG=C.UTF-8' \
    --change 'ENV GOPATH=/go' \
    --change 'CMD ["bash"]' \
    --change 'LABEL dev.dockwright.test-image=debian-bookworm-1' \
    "$TARBALL" "$PRIMARY" >/dev/null
fi

for tag in "${TAGS[@]}"; do
  docker tag "$PRIMARY" "$tag"
done
echo "made $PRIMARY, tagged ${TAGS[*]}" >&2
