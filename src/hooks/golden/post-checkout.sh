#!/bin/sh
# dockwright-hook v2 dockwright 0.0.0
# Written by `dockwright hooks install`; `dockwright hooks uninstall` removes it.
# DOCKWRIGHT_SKIP=1 skips dockwright. DOCKWRIGHT_HOOK_BIN names the hook binary to run
# instead, or the directory that holds it.
case "$DOCKWRIGHT_SKIP" in ''|0) ;; *) exit 0 ;; esac
installed='/opt/dock'\''wright/bin/dockwright-hook-post-checkout'
bin=$installed
if [ -n "$DOCKWRIGHT_HOOK_BIN" ]; then
  bin=$DOCKWRIGHT_HOOK_BIN
  if [ -d "$bin" ]; then bin=$bin/dockwright-hook-post-checkout; fi
elif [ ! -x "$bin" ]; then
  bin=$(command -v dockwright-hook-post-checkout) || bin=
fi
if [ ! -x "$bin" ]; then
  echo "dockwright: post-checkout hook skipped: \`${bin:-$installed}\` is missing and \`dockwright-hook-post-checkout\` is not on PATH (help: run \`dockwright hooks install\` again)" >&2
  exit 0
fi
exec "$bin" "$@"
