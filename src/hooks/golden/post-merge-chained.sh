#!/bin/sh
# dockwright-hook v2 dockwright 0.0.0
# Written by `dockwright hooks install`; `dockwright hooks uninstall` removes it.
# DOCKWRIGHT_SKIP=1 skips dockwright. DOCKWRIGHT_HOOK_BIN names the hook binary to run
# instead, or the directory that holds it.
# The hook that was here before is kept as post-merge.dockwright-chained and runs first,
# with the same arguments; its exit code is this hook's.
status=0
if [ -x "$0.dockwright-chained" ]; then
  '/bin/sh' '-e' -c '. "$0.dockwright-chained"' "$0" "$@"
  status=$?
fi
case "$DOCKWRIGHT_SKIP" in ''|0) ;; *) exit "$status" ;; esac
installed='/opt/dock'\''wright/bin/dockwright-hook-post-merge'
bin=$installed
if [ -n "$DOCKWRIGHT_HOOK_BIN" ]; then
  bin=$DOCKWRIGHT_HOOK_BIN
  if [ -d "$bin" ]; then bin=$bin/dockwright-hook-post-merge; fi
elif [ ! -x "$bin" ]; then
  bin=$(command -v dockwright-hook-post-merge) || bin=
fi
if [ ! -x "$bin" ]; then
  echo "dockwright: post-merge hook skipped: \`${bin:-$installed}\` is missing and \`dockwright-hook-post-merge\` is not on PATH (help: run \`dockwright hooks install\` again)" >&2
  exit "$status"
fi
"$bin" "$@"
exit "$status"
