#!/bin/sh
# dockwright-hook v2 dockwright 0.0.0
# Written by `dockwright hooks install`; `dockwright hooks uninstall` removes it.
# DOCKWRIGHT_SKIP=1 skips dockwright. DOCKWRIGHT_HOOK_BIN names the hook binary to run
# instead, or the directory that holds it.
# The hook that was here before is kept as post-rewrite.dockwright-chained and runs first,
# with the same arguments and input; its exit code is this hook's.
input=$(cat; echo .)
input=${input%.}
status=0
if [ -x "$0.dockwright-chained" ]; then
  printf '%s' "$input" | '/usr/bin/env' 'bash' -c '. "$0.dockwright-chained"' "$0" "$@"
  status=$?
fi
case "$DOCKWRIGHT_SKIP" in ''|0) ;; *) exit "$status" ;; esac
installed='/opt/dock'\''wright/bin/dockwright-hook-post-rewrite'
bin=$installed
if [ -n "$DOCKWRIGHT_HOOK_BIN" ]; then
  bin=$DOCKWRIGHT_HOOK_BIN
  if [ -d "$bin" ]; then bin=$bin/dockwright-hook-post-rewrite; fi
elif [ ! -x "$bin" ]; then
  bin=$(command -v dockwright-hook-post-rewrite) || bin=
fi
if [ ! -x "$bin" ]; then
  echo "dockwright: post-rewrite hook skipped: \`${bin:-$installed}\` is missing and \`dockwright-hook-post-rewrite\` is not on PATH (help: run \`dockwright hooks install\` again)" >&2
  exit "$status"
fi
printf '%s' "$input" | "$bin" "$@"
exit "$status"
