#!/usr/bin/env bash
# Prints the Debian archive this machine's apt already uses (for example `http://<host>/debian`),
# so that debootstrap and the trixie download of .ci/setup fetch from the mirror the machine is
# configured for and no package host is written in this repository.
#
# apt itself reads its sources (/etc/apt/sources.list, /etc/apt/sources.list.d/*.list and the
# deb822 *.sources), so this asks apt (`apt-get indextargets`) instead of parsing them again:
#   1. the source whose Release file says Origin and Label `Debian` (the main archive, not
#      security), once `apt-get update` has run;
#   2. else, on Debian, the source of the machine's own codename (from /etc/os-release) with the
#      `main` component;
#   3. else $DOCKWRIGHT_DEBIAN_MIRROR (a machine without apt, or without a Debian source).
# A `mirror+file:` source (Debian's cloud images) gives the first mirror its list names.
set -euo pipefail

# `mirror+file:/etc/apt/mirrors/debian.list` is apt's own indirection: debootstrap only speaks
# plain URLs, so take the list's first entry.
plain_url() {
  local uri=$1
  case "$uri" in
    mirror+file:*)
      # apt adds a slash to every URI, the list's path included.
      local list=${uri#mirror+file:}
      awk '!/^[[:space:]]*(#|$)/ { print $1; exit }' "${list%/}" 2>/dev/null | grep .
      ;;
    mirror*) return 1 ;;
    *) printf '%s\n' "$uri" ;;
  esac
}

# apt's view of its sources, one `origin|label|uri|suite|component` line per Packages index.
# Single quotes on purpose: `$(…)` is apt's own placeholder syntax.
# shellcheck disable=SC2016
targets() {
  apt-get indextargets "$@" --format '$(ORIGIN)|$(LABEL)|$(REPO_URI)|$(RELEASE)|$(COMPONENT)' \
    'Identifier: Packages' 2>/dev/null
}

from_apt() {
  command -v apt-get >/dev/null || return 1
  local origin label uri release component codename=""
  # Known only for sources whose Release file apt has fetched.
  while IFS='|' read -r origin label uri release component; do
    if [ "$origin" = Debian ] && [ "$label" = Debian ] && [ "$component" = main ]; then
      plain_url "$uri" && return 0
    fi
  done < <(targets)
  if [ -r /etc/os-release ]; then
    # shellcheck disable=SC1091
    codename=$(. /etc/os-release && [ "${ID:-}" = debian ] && printf '%s' "${VERSION_CODENAME:-}")
  fi
  [ -n "$codename" ] || return 1
  while IFS='|' read -r origin label uri release component; do
    if [ "$release" = "$codename" ] && [ "$component" = main ]; then
      plain_url "$uri" && return 0
    fi
  done < <(targets --no-release-info)
  return 1
}

if mirror=$(from_apt) && [ -n "$mirror" ]; then
  printf '%s\n' "${mirror%/}"
elif [ -n "${DOCKWRIGHT_DEBIAN_MIRROR:-}" ]; then
  printf '%s\n' "${DOCKWRIGHT_DEBIAN_MIRROR%/}"
else
  {
    echo "error: no Debian archive among apt's sources (/etc/apt/sources.list, /etc/apt/sources.list.d/)"
    echo "help: set DOCKWRIGHT_DEBIAN_MIRROR to the URL of a Debian mirror (the directory holding dists/ and pool/)"
  } >&2
  exit 1
fi
